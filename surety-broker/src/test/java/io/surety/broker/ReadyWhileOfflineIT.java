package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.metrics.PrometheusText;
import io.surety.broker.partition.FailingDisk;
import io.surety.harness.FreePorts;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition a full disk took offline is reported, not turned into an unready broker: a container
 * healthcheck on {@code /ready} must not restart a broker because one partition needs an operator.
 */
class ReadyWhileOfflineIT {

    @TempDir
    Path dir;

    @Test
    void shouldStayReadyAndListTheOfflinePartitionAfterTheDiskFills() throws Exception {
        int metricsPort = FreePorts.find(1).get(0);
        FailingDisk disk = new FailingDisk();
        try (SuretyBroker broker = SuretyBroker.builder().port(0).dataDir(dir.resolve("data")).segmentChannels(disk)
                .config("metrics.port", Integer.toString(metricsPort)).config("auto.create.topics.enable", "true").start();
                KafkaProducer<String, String> producer = producer(broker)) {
            producer.send(new ProducerRecord<>("full", 0, null, "acknowledged")).get();
            assertThat(MetricsEndpoint.get(metricsPort, "/ready").body()).isEqualTo("ready\n");

            disk.fillUp();

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("full", 0, null, "refused")).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(KafkaStorageException.class);
            HttpResponse<String> ready = MetricsEndpoint.get(metricsPort, "/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).startsWith("ready\n").contains("offline partition full-0: ")
                    .contains("No space left on device");
            PrometheusText metrics = MetricsEndpoint.scrape(metricsPort);
            assertThat(metrics.value("surety_offline_partitions")).hasValue(1.0);
            assertThat(MetricsEndpoint.status(metricsPort, "/health")).isEqualTo(200);
        }
    }

    private static KafkaProducer<String, String> producer(SuretyBroker broker) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.RETRIES_CONFIG, "0");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
