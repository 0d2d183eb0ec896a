package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.log.SegmentChannels;
import io.surety.broker.metrics.PrometheusText;
import io.surety.harness.FreePorts;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /ready} during log recovery: a broker restarted on about 50 MB of data with no clean-shutdown
 * marker and no recovery point must CRC-check every batch before it serves. Meanwhile the HTTP
 * listener is up: {@code /health} answers 200 and {@code /ready} 503, and the Kafka port accepts
 * nobody; once recovery is done {@code /ready} answers 200.
 *
 * <p>The recovery is held at its first segment file by a gate on how segment files are opened, so
 * the test sees the "recovering" state every time instead of racing a fast disk; then the gate
 * opens and the whole log is read and checked.
 */
class ReadyIT {

    private static final String TOPIC = "recover-me";
    private static final int VALUE_BYTES = 8 * 1024;
    private static final int RECORDS = 6_400;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-ready-");

    /** Holds the first open of an existing segment file (recovery) until released. */
    private static final class GatedSegments implements SegmentChannels {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public FileChannel open(Path file, boolean create) throws IOException {
            if (!create && reached.getCount() > 0) {
                reached.countDown();
                try {
                    if (!release.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IOException("The test never released the recovery of " + file);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while held at " + file);
                }
            }
            return FILES.open(file, create);
        }
    }

    @Test
    void shouldAnswerNotReadyWhileLogsRecoverThenReadyWhenClientsAreServed() throws Exception {
        try {
            Path dataDir = DATA.dir();
            long bytes = writeUncleanLog(dataDir);
            List<Integer> ports = FreePorts.find(2);
            int kafkaPort = ports.get(0);
            int metricsPort = ports.get(1);
            GatedSegments gate = new GatedSegments();
            CompletableFuture<SuretyBroker> starting = CompletableFuture.supplyAsync(() -> {
                try {
                    return SuretyBroker.builder().dataDir(dataDir).port(kafkaPort)
                            .config("metrics.port", Integer.toString(metricsPort)).segmentChannels(gate).start();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            Awaitility.await().atMost(WAIT).until(() -> gate.reached.getCount() == 0 || starting.isDone());
            assertThat(starting).as("the broker waits for its log recovery").isNotDone();
            assertThat(MetricsEndpoint.status(metricsPort, "/health")).isEqualTo(200);
            assertThat(MetricsEndpoint.status(metricsPort, "/ready")).isEqualTo(503);
            PrometheusText recovering = MetricsEndpoint.scrape(metricsPort);
            assertThat(recovering.value("surety_broker_ready")).hasValue(0);
            assertThat(recovering.find("jvm_memory_used_bytes")).isNotEmpty();
            assertThatThrownBy(() -> new Socket("127.0.0.1", kafkaPort).close())
                    .as("the Kafka listener is not bound yet").isInstanceOf(ConnectException.class);

            long releasedNs = System.nanoTime();
            gate.release.countDown();
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                assertThat(MetricsEndpoint.status(metricsPort, "/health")).isEqualTo(200);
                assertThat(MetricsEndpoint.status(metricsPort, "/ready")).isEqualTo(200);
            });
            System.out.printf("ReadyIT: %d bytes recovered and ready in %d ms%n", bytes,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedNs));

            try (SuretyBroker broker = starting.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(broker.isReady()).isTrue();
                new Socket("127.0.0.1", kafkaPort).close();
                PrometheusText scrape = MetricsEndpoint.scrape(metricsPort);
                assertThat(scrape.value("surety_broker_ready")).hasValue(1);
                assertThat(scrape.value("surety_partition_log_end_offset", "topic", TOPIC, "partition", "0"))
                        .as("every record survived the recovery").hasValue(RECORDS);
                assertThat(scrape.value("surety_partition_log_size_bytes", "topic", TOPIC, "partition", "0"))
                        .hasValue(bytes);
            }
        } catch (Throwable e) {
            DATA.markFailed();
            throw e;
        }
    }

    /**
     * Produces about 50 MB into one partition, stops the broker, and removes what would let the
     * next start trust the data (the clean-shutdown marker and the recovery point). Returns the
     * log's size in bytes.
     */
    private static long writeUncleanLog(Path dataDir) throws IOException {
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir).config("flush.policy", "interval").start();
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        "bootstrap.servers", broker.bootstrapServers(), "acks", "1", "linger.ms", 5,
                        "batch.size", 256 * 1024), new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < RECORDS; i++) {
                value[i % VALUE_BYTES] = (byte) i;
                producer.send(new ProducerRecord<>(TOPIC, value.clone()));
            }
            producer.flush();
        }
        Path partitionDir = dataDir.resolve(TOPIC + "-0");
        Files.delete(dataDir.resolve(".clean-shutdown"));
        Files.delete(partitionDir.resolve("recovery-point"));
        try (var files = Files.list(partitionDir)) {
            return files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
