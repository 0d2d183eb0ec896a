package io.surety.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark workload, run with Kafka's own perf tools against a broker: the same tool, record
 * size, partitions and client settings for every broker. A produce workload with a transaction
 * duration runs ProducerPerformance with a transactional id, committing every that many ms.
 */
record Workload(String name, Kind kind, String topic, String acks, boolean idempotent, long transactionDurationMs) {

    Workload(String name, Kind kind, String topic, String acks, boolean idempotent) {
        this(name, kind, topic, acks, idempotent, 0);
    }

    enum Kind { PRODUCE, CONSUME, END_TO_END }

    /** The workloads of a run, in order; CONSUME reads what the acks=all workload wrote. */
    static List<Workload> standard() {
        return List.of(
                new Workload("produce acks=0", Kind.PRODUCE, "bench-acks0", "0", false),
                new Workload("produce acks=1", Kind.PRODUCE, "bench-acks1", "1", false),
                new Workload("produce acks=all idempotent", Kind.PRODUCE, "bench-acksall", "all", true),
                new Workload("produce transactional (100 ms transactions)", Kind.PRODUCE, "bench-txn", "all", true, 100),
                new Workload("consume", Kind.CONSUME, "bench-acksall", "all", true),
                new Workload("end-to-end latency acks=all", Kind.END_TO_END, "bench-e2e", "all", true));
    }

    /** Runs this workload with Kafka's tools from {@code toolsClasspath}. */
    PerfResult run(BenchBroker broker, BenchSettings settings, String toolsClasspath) throws IOException {
        Duration limit = settings.toolTimeout();
        switch (kind) {
            case PRODUCE: {
                List<String> args = new ArrayList<>(List.of("--topic", topic,
                        "--num-records", Long.toString(settings.records()),
                        "--record-size", Integer.toString(settings.recordSize()),
                        "--throughput", "-1",
                        "--producer-props", "bootstrap.servers=" + broker.bootstrap(), "acks=" + acks,
                        "enable.idempotence=" + idempotent, "linger.ms=5", "batch.size=65536"));
                if (transactionDurationMs > 0) {
                    args.addAll(List.of("--transactional-id", "bench-" + broker.name() + "-" + topic,
                            "--transaction-duration-ms", Long.toString(transactionDurationMs)));
                }
                ToolRun run = ToolRun.run(toolsClasspath, "org.apache.kafka.tools.ProducerPerformance", limit,
                        args.toArray(String[]::new));
                return PerfOutputParser.producer(name, broker.name(), run.output());
            }
            case CONSUME: {
                ToolRun run = ToolRun.run(toolsClasspath, "org.apache.kafka.tools.ConsumerPerformance", limit,
                        "--bootstrap-server", broker.bootstrap(), "--topic", topic,
                        "--num-records", Long.toString(settings.records()),
                        "--group", "bench-consumer", "--timeout", Long.toString(limit.toMillis() / 2));
                PerfResult result = PerfOutputParser.consumer(name, broker.name(), run.output());
                return result.ok() ? result : PerfResult.failed(name, broker.name(), firstError(run.output()));
            }
            case END_TO_END: {
                ToolRun run = ToolRun.run(toolsClasspath, "org.apache.kafka.tools.EndToEndLatency", limit,
                        broker.bootstrap(), topic, Long.toString(settings.latencyRecords()), acks,
                        Integer.toString(settings.recordSize()));
                PerfResult result = PerfOutputParser.endToEnd(name, broker.name(), settings.latencyRecords(), run.output());
                return result.ok() ? result : PerfResult.failed(name, broker.name(), firstError(run.output()));
            }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    private static String firstError(List<String> output) {
        for (String line : output) {
            if (line.contains("Exception") || line.contains("ERROR")) {
                return line.length() > 160 ? line.substring(0, 160) : line;
            }
        }
        return output.isEmpty() ? "no output" : output.get(output.size() - 1);
    }
}
