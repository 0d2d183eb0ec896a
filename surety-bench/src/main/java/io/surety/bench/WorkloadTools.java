package io.surety.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a workload's load generator against a broker and reads its figures: Kafka's own perf tools
 * from {@code toolsClasspath} (ProducerPerformance, ConsumerPerformance, EndToEndLatency) and, for
 * what they cannot do, the benchmark's generators in {@code io.surety.bench.load} from
 * {@code driverClasspath}. Every broker gets the same tool, arguments and client settings.
 * Stateless apart from its settings.
 */
final class WorkloadTools {

    private final String toolsClasspath;
    private final String driverClasspath;
    private final Duration limit;

    WorkloadTools(String toolsClasspath, String driverClasspath, Duration limit) {
        this.toolsClasspath = toolsClasspath;
        this.driverClasspath = driverClasspath;
        this.limit = limit;
    }

    /** Writes the workload's records into {@code topic} (acks=1, as fast as it goes), for a reading workload. */
    PerfResult fill(BenchBroker broker, String topic, Workload workload) throws IOException {
        Workload fill = Workload.produce("fill", workload.records(), workload.recordSize(), workload.partitions(), "1", false);
        ToolRun run = ToolRun.run(toolsClasspath, "org.apache.kafka.tools.ProducerPerformance", limit,
                producerArguments(broker, topic, fill));
        return PerfOutputParser.producer(fill.name(), broker.name(), run.output());
    }

    PerfResult run(BenchBroker broker, Contender contender, String topic, Workload workload) throws IOException {
        String name = workload.name();
        String who = contender.name();
        switch (workload.kind()) {
            case PRODUCE: {
                ToolRun run = ToolRun.run(toolsClasspath, "org.apache.kafka.tools.ProducerPerformance", limit,
                        producerArguments(broker, topic, workload));
                return orFirstError(PerfOutputParser.producer(name, who, run.output()), run);
            }
            case SMALL_TRANSACTIONS: {
                ToolRun run = ToolRun.run(driverClasspath, "io.surety.bench.load.SmallTransactions", limit,
                        broker.bootstrap(), topic, Long.toString(workload.records() / workload.recordsPerTransaction()),
                        Integer.toString(workload.recordsPerTransaction()), Integer.toString(workload.recordSize()),
                        "bench-" + topic);
                return orFirstError(PerfOutputParser.smallTransactions(name, who, run.output()), run);
            }
            case CONSUME: {
                ToolRun run = ToolRun.run(toolsClasspath, "org.apache.kafka.tools.ConsumerPerformance", limit,
                        "--bootstrap-server", broker.bootstrap(), "--topic", topic,
                        "--num-records", Long.toString(workload.records()), "--group", "bench-" + topic,
                        "--timeout", Long.toString(limit.toMillis() / 2));
                return exactly(workload, orFirstError(PerfOutputParser.consumer(name, who, run.output()), run));
            }
            case GROUP_CONSUME: {
                ToolRun run = ToolRun.run(driverClasspath, "io.surety.bench.load.GroupConsume", limit,
                        broker.bootstrap(), topic, "bench-" + topic, Integer.toString(workload.members()),
                        Long.toString(workload.records()), Long.toString(limit.toMillis() / 2));
                return exactly(workload, orFirstError(PerfOutputParser.groupConsume(name, who, run.output()), run));
            }
            case END_TO_END: {
                ToolRun run = ToolRun.run(toolsClasspath, "org.apache.kafka.tools.EndToEndLatency", limit,
                        broker.bootstrap(), topic, Long.toString(workload.records()), workload.acks(),
                        Integer.toString(workload.recordSize()));
                return orFirstError(PerfOutputParser.endToEnd(name, who, workload.records(), run.output()), run);
            }
            default:
                throw new IllegalStateException(workload.kind().toString());
        }
    }

    static String[] producerArguments(BenchBroker broker, String topic, Workload workload) {
        List<String> args = new ArrayList<>(List.of("--topic", topic,
                "--num-records", Long.toString(workload.records()),
                "--record-size", Integer.toString(workload.recordSize()),
                "--throughput", Integer.toString(workload.throughput()),
                "--producer-props", "bootstrap.servers=" + broker.bootstrap(), "acks=" + workload.acks(),
                "enable.idempotence=" + workload.idempotent(), "linger.ms=5", "batch.size=65536"));
        if (workload.transactionMs() > 0) {
            args.addAll(List.of("--transactional-id", "bench-" + topic,
                    "--transaction-duration-ms", Long.toString(workload.transactionMs())));
        }
        return args.toArray(String[]::new);
    }

    /** A reading workload that read more or fewer records than the topic holds is not a result. */
    private static PerfResult exactly(Workload workload, PerfResult result) {
        if (result.ok() && result.records() != workload.records()) {
            return PerfResult.failed(result.workload(), result.broker(),
                    "read " + result.records() + " records of the " + workload.records() + " written");
        }
        return result;
    }

    private static PerfResult orFirstError(PerfResult result, ToolRun run) {
        if (result.ok()) {
            return result;
        }
        for (String line : run.output()) {
            if (line.contains("Exception") || line.contains("ERROR") || line.contains("failed")) {
                return PerfResult.failed(result.workload(), result.broker(),
                        line.length() > 160 ? line.substring(0, 160) : line);
            }
        }
        return result;
    }
}
