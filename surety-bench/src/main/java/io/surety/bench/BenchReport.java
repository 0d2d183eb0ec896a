package io.surety.bench;

import java.util.List;
import java.util.Locale;

/**
 * Renders one run as Markdown: per workload a row per broker and a ratio row per Surety flavour
 * against Kafka. Ratios above 1 mean Surety does more (throughput, records per CPU-second) or
 * takes longer (latencies). Stateless.
 */
final class BenchReport {

    private BenchReport() {
    }

    static String render(String header, BenchSettings settings, List<BrokerRun> runs, List<Workload> workloads) {
        StringBuilder out = new StringBuilder();
        out.append(header).append('\n');
        out.append(String.format(Locale.ROOT, "Settings: %,d records of %d bytes per workload (%,d for end-to-end latency), "
                + "%d partitions, producers with linger.ms=5 and batch.size=65536, broker heap %s.%n%n",
                settings.records(), settings.recordSize(), settings.latencyRecords(), settings.partitions(),
                settings.brokerHeap()));
        out.append("### Start-up and memory\n\n");
        out.append("| broker | process start to first acks=all ack (ms) | peak resident memory (MiB) |\n|---|---:|---:|\n");
        for (BrokerRun run : runs) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", run.broker(), num(run.firstAckMs(), 0),
                    num(run.peakResidentMiB(), 0)));
        }
        BrokerRun kafka = runs.stream().filter(r -> r.broker().equals("Kafka")).findFirst().orElse(null);
        for (Workload workload : workloads) {
            out.append("\n### ").append(workload.name()).append("\n\n");
            out.append("| broker | records/s | MB/s | p50 ms | p99 ms | p99.9 ms | broker CPU s | records per broker CPU s |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (BrokerRun run : runs) {
                PerfResult r = run.result(workload.name());
                if (r == null) {
                    continue;
                }
                if (!r.ok()) {
                    out.append("| ").append(run.broker()).append(" | not run: ").append(r.note().replace('|', '/'))
                            .append(" | | | | | | |\n");
                    continue;
                }
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", run.broker(),
                        num(r.recordsPerSec(), 0), num(r.mbPerSec(), 1), num(r.p50Ms(), 1), num(r.p99Ms(), 1),
                        num(r.p999Ms(), 1), num(r.brokerCpuSeconds(), 2), num(r.recordsPerBrokerCpuSecond(), 0)));
            }
            PerfResult base = kafka == null ? null : kafka.result(workload.name());
            for (BrokerRun run : runs) {
                PerfResult r = run.result(workload.name());
                if (run == kafka || r == null || !r.ok() || base == null || !base.ok()) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "| %s / Kafka | %s | %s | %s | %s | %s | %s | %s |%n", run.broker(),
                        ratio(r.recordsPerSec(), base.recordsPerSec()), ratio(r.mbPerSec(), base.mbPerSec()),
                        ratio(r.p50Ms(), base.p50Ms()), ratio(r.p99Ms(), base.p99Ms()), ratio(r.p999Ms(), base.p999Ms()),
                        ratio(r.brokerCpuSeconds(), base.brokerCpuSeconds()),
                        ratio(r.recordsPerBrokerCpuSecond(), base.recordsPerBrokerCpuSecond())));
            }
        }
        return out.toString();
    }

    static String num(double value, int decimals) {
        if (Double.isNaN(value) || value < 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    static String ratio(double value, double base) {
        if (Double.isNaN(value) || Double.isNaN(base) || base <= 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2fx", value / base);
    }
}
