package io.surety.bench;

import java.util.List;

/** Everything one run measured: the rows' samples and each broker process's start and memory. Immutable. */
record RunResult(List<BenchSchedule.RowSamples> rows, List<BrokerFacts> brokers) {

    /** One broker process: its start to first acknowledged record, peak resident memory, and JVM options. */
    record BrokerFacts(String broker, double firstAckMs, double peakResidentMiB, List<String> jvmOptions) {
    }

    RunResult {
        rows = List.copyOf(rows);
        brokers = List.copyOf(brokers);
    }

    /** The samples of the row with this section and workload name, or null. */
    BenchSchedule.RowSamples row(String section, String workload) {
        return rows.stream().filter(r -> r.row().section().equals(section) && r.row().workload().name().equals(workload))
                .findFirst().orElse(null);
    }

    BrokerFacts broker(String name) {
        return brokers.stream().filter(b -> b.broker().equals(name)).findFirst().orElse(null);
    }
}
