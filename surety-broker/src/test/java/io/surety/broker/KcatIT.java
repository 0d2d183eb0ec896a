package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.metrics.PrometheusText;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kcat (librdkafka), the C client most shell scripts use, against an in-process broker on
 * 127.0.0.1: it produces lz4-compressed batches and the broker stores them lz4-compressed (read
 * back raw, batch by batch), then it consumes them as a group member and leaves the group on
 * close, with no WARN or ERROR from the broker. Skipped, saying why, when kcat is not on the
 * PATH ({@code apt-get install kcat}; CI installs it when it runs as root).
 *
 * <p>Debian 12's kcat 1.7.1 is built on librdkafka 2.0.2, which compresses only if the broker
 * advertises Produce from v0, and closes its consumer with LeaveGroup v1.
 */
class KcatIT {

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-kcat-");

    private static final String TOPIC = "kcat-lz4";
    private static final int MESSAGES = 200;
    private static final long KCAT_TIMEOUT_SECONDS = 60;

    @Test
    void shouldStoreLz4BatchesAndLeaveTheGroupCleanlyWhenKcatProducesAndConsumes() throws Exception {
        Optional<Path> kcat = onPath("kcat");
        Assumptions.assumeTrue(kcat.isPresent(), "kcat is not installed (apt-get install kcat): skipping the kcat test");
        try (SuretyBroker broker = TestBrokers.startWithTopics(DATA.dir().resolve("data"), 1, List.of(TOPIC),
                Map.of("group.initial.rebalance.delay.ms", "0"));
                LogCapture log = LogCapture.attach("io.surety.broker", false)) {
            String bootstrap = "127.0.0.1:" + broker.port();
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < MESSAGES; i++) {
                input.append("key-").append(i).append(':').append("value-").append(i).append(" ")
                        .append("compressible ".repeat(8)).append('\n');
            }
            Result produced = run("produce", input.toString(), kcat.get().toString(), "-b", bootstrap, "-P",
                    "-t", TOPIC, "-p", "0", "-K", ":", "-X", "compression.codec=lz4", "-X", "linger.ms=100");
            assertThat(produced.exitCode()).as("kcat -P exit code; stderr: %s", produced.stderr()).isZero();

            List<RecordBatch> batches = storedBatches(broker.port());
            assertThat(batches).isNotEmpty();
            assertThat(batches).allSatisfy(batch -> assertThat(batch.compressionType())
                    .as("batch at offset %d", batch.baseOffset()).isEqualTo(CompressionType.LZ4));
            assertThat(batches.stream().mapToLong(b -> b.nextOffset() - b.baseOffset()).sum()).isEqualTo(MESSAGES);

            Result consumed = run("consume", "", kcat.get().toString(), "-b", bootstrap, "-G", "kcat-group",
                    "-X", "auto.offset.reset=earliest", "-e", "-q", "-f", "%k=%s\\n", TOPIC);
            assertThat(consumed.exitCode()).as("kcat -G exit code; stderr: %s", consumed.stderr()).isZero();
            List<String> lines = consumed.stdout().lines().toList();
            assertThat(lines).hasSize(MESSAGES);
            assertThat(lines).contains("key-0=value-0 " + "compressible ".repeat(8),
                    "key-" + (MESSAGES - 1) + "=value-" + (MESSAGES - 1) + " " + "compressible ".repeat(8));

            PrometheusText scrape = PrometheusText.scrape(broker.metrics().registry());
            assertThat(scrape.value("surety_requests_total", "api", "LeaveGroup").orElse(0)).as("kcat left the group")
                    .isGreaterThanOrEqualTo(1);
            assertThat(log.keptWarnings()).isEmpty();
            assertThat(log.keptErrors()).isEmpty();
        }
    }

    /** Every batch of partition 0 as stored, fetched raw from offset 0. */
    private static List<RecordBatch> storedBatches(int port) throws IOException {
        FetchRequestData request = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(1 << 20).setIsolationLevel((byte) 0);
        request.topics().add(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setLogStartOffset(-1)
                        .setPartitionMaxBytes(1 << 20))));
        try (RawKafkaConnection connection = RawKafkaConnection.open(port)) {
            FetchResponseData response = connection.call(ApiKeys.FETCH, (short) 11, request);
            FetchResponseData.PartitionData partition = response.responses().get(0).partitions().get(0);
            assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
            List<RecordBatch> batches = new ArrayList<>();
            ((MemoryRecords) partition.records()).batches().forEach(batches::add);
            return batches;
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static final AtomicInteger RUNS = new AtomicInteger();

    /** Runs {@code command} with {@code stdin}; its output goes to files kept with the test's data. */
    private static Result run(String name, String stdin, String... command) throws IOException, InterruptedException {
        Path dir = DATA.dir().resolve("kcat-" + RUNS.incrementAndGet() + "-" + name);
        Files.createDirectories(dir);
        File out = dir.resolve("stdout").toFile();
        File err = dir.resolve("stderr").toFile();
        Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(KCAT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("kcat " + name + " did not finish within " + KCAT_TIMEOUT_SECONDS + " s: "
                    + String.join(" ", command) + "\nstderr: " + Files.readString(err.toPath()));
        }
        return new Result(process.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator)).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst();
    }
}
