package io.surety.bench;

import java.util.List;
import java.util.Locale;

/**
 * Renders one run as Markdown: the goals with their measured ratios (when the base is Kafka),
 * start-up and memory per broker, then per section and workload each contender's figures as median
 * (min–max) over the repetitions, with the ratio of the candidate's median to the base's (Surety ÷
 * Kafka, or Surety ÷ an earlier Surety build). A ratio above 1 means the candidate does more
 * (throughput, records per CPU-second) or takes longer (latencies, CPU seconds). Stateless.
 */
final class BenchReport {

    private static final List<Metric> COLUMNS = List.of(Metric.values());

    private BenchReport() {
    }

    /** The report of a single-node run. */
    static String render(String header, BenchSettings settings, RunResult run) {
        return render(header, method(settings), Goals.check(run), run);
    }

    /** The report of a cluster run ({@code --replicated}). */
    static String renderReplicated(String header, BenchSettings settings, RunResult run) {
        return render(header, replicatedMethod(settings), Goals.checkReplicated(run), run);
    }

    private static String method(BenchSettings settings) {
        return String.format(Locale.ROOT, "Method: every broker first runs a warm-up of each kind of work (%,d records "
                        + "where records are what it is about; its figures are discarded); then %d repetitions, each running "
                        + "every row's two contenders one after the other on fresh topics, the first contender alternating "
                        + "between repetitions. Figures are medians with (min–max). A trial during which other processes "
                        + "(not the run's idle brokers) used more than %.0f%% of the machine is run again (up to %d attempts); the column *others* is the "
                        + "largest such share among the kept trials, and * marks a row that kept a disturbed trial. *JIT* is "
                        + "the share of the broker's CPU its JIT compilers used during the trial (how warm it still was). Produce "
                        + "trials write %,d records of 1 KiB (100-byte records: 4×; 64 KiB records: ÷32), with linger.ms=5 "
                        + "and batch.size=65536 (with fsync before ack on both: ÷%d at 3 partitions, ÷%d at 1,000, the same for "
                        + "both brokers); reading trials read at least %,d; small "
                        + "transactions: %,d per trial; the fixed-rate trial runs %d s.%n%n",
                settings.warmUpRecords(), settings.repetitions(), 100 * settings.maxOthersShare(), settings.attemptsPerTrial(),
                settings.records(), BenchPlan.FSYNC_SCALE_DOWN,
                BenchPlan.FSYNC_MANY_PARTITIONS_SCALE_DOWN, BenchPlan.MIN_READ_RECORDS, settings.transactions(),
                settings.fixedRateSeconds());
    }

    private static String replicatedMethod(BenchSettings settings) {
        return String.format(Locale.ROOT, "Method: each broker runs as a cluster of three combined broker-and-controller "
                        + "nodes on this machine; every topic has one replica on each node (replication factor 3) and "
                        + "min.insync.replicas=%d, and both brokers run with broker.session.timeout.ms=%d and "
                        + "broker.heartbeat.interval.ms=%d (Kafka's defaults). Broker CPU and peak resident memory are the "
                        + "sums over the three nodes. Every cluster first runs a warm-up of each kind of work (%,d records "
                        + "where records are what it is about; its figures are discarded); then %d repetitions, each running "
                        + "every row's two contenders one after the other on fresh topics, the first contender alternating "
                        + "between repetitions. Figures are medians with (min–max). A trial during which processes other than "
                        + "the run's brokers used more than %.0f%% of the machine is run again (up to %d attempts); *others* "
                        + "and * as in the single-node report. Produce trials write %,d records of 1 KiB (with fsync before "
                        + "ack on both: ÷%d) with linger.ms=5 and batch.size=65536; reading trials read at least %,d; the "
                        + "end-to-end trial sends %,d records one at a time (fsync on both: ÷%d). The failover rows run "
                        + "after all others: a one-partition topic led by a node that does not lead the metadata quorum, "
                        + "its leader killed with kill -9, and the time until an acks=all idempotent producer with the "
                        + "client's defaults has its next record acknowledged; the node is then restarted and rejoins the "
                        + "ISR before the next trial.%n%n",
                BenchBroker.CLUSTER_MIN_INSYNC_REPLICAS, BenchBroker.SESSION_TIMEOUT_MS, BenchBroker.HEARTBEAT_INTERVAL_MS,
                settings.warmUpRecords(), settings.repetitions(), 100 * settings.maxOthersShare(),
                settings.attemptsPerTrial(), settings.records(), BenchPlan.FSYNC_SCALE_DOWN, BenchPlan.MIN_READ_RECORDS,
                settings.latencyRecords(), BenchPlan.FSYNC_REPLICATED_LATENCY_SCALE_DOWN);
    }

    private static String render(String header, String method, List<Goals.Verdict> goals, RunResult run) {
        StringBuilder out = new StringBuilder();
        out.append(header).append('\n');
        out.append(method);
        if (run.rows().stream().allMatch(row -> row.row().base().kafka())) {
            goals(out, goals);
        }
        brokers(out, run);
        String section = null;
        for (BenchSchedule.RowSamples row : run.rows()) {
            if (!row.row().section().equals(section)) {
                section = row.row().section();
                out.append("\n### ").append(section).append('\n');
            }
            row(out, row);
        }
        return out.toString();
    }

    private static void goals(StringBuilder out, List<Goals.Verdict> goals) {
        out.append("### Goals (Surety ÷ Kafka, medians)\n\n| goal | target | measured | met |\n|---|---|---:|---|\n");
        for (Goals.Verdict verdict : goals) {
            String measured = Double.isNaN(verdict.measured()) ? "not measured"
                    : verdict.unit().equals("x") ? String.format(Locale.ROOT, "%.2fx", verdict.measured())
                    : num(verdict.measured(), 0) + " " + verdict.unit();
            out.append("| ").append(verdict.goal()).append(" | ").append(verdict.target()).append(" | ").append(measured)
                    .append(" | ").append(Double.isNaN(verdict.measured()) ? "–" : verdict.met() ? "yes" : "no").append(" |\n");
        }
    }

    private static void brokers(StringBuilder out, RunResult run) {
        out.append("\n### Start-up and memory\n\n| broker | process start to first acks=all ack (ms) | peak resident memory "
                + "over the run (MiB) | JVM options |\n|---|---:|---:|---|\n");
        for (RunResult.BrokerFacts broker : run.brokers()) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | `%s` |%n", broker.broker(), num(broker.firstAckMs(), 0),
                    num(broker.peakResidentMiB(), 0), broker.jvmOptions().isEmpty() ? "(JVM defaults)"
                            : String.join(" ", broker.jvmOptions())));
        }
    }

    private static void row(StringBuilder out, BenchSchedule.RowSamples row) {
        boolean disturbed = row.base().stream().anyMatch(Sample::disturbed) || row.candidate().stream().anyMatch(Sample::disturbed);
        out.append("\n#### ").append(row.row().workload().name()).append(disturbed ? " *" : "").append("\n\n");
        if (row.row().workload().kind() == Workload.Kind.SMALL_TRANSACTIONS) {
            out.append("Latency columns are the time of `commitTransaction()`.\n\n");
        }
        if (row.row().workload().kind() == Workload.Kind.FAILOVER) {
            out.append("Latency columns are the time from the leader's `kill -9` to the first acks=all acknowledgement.\n\n");
        }
        out.append("| contender |");
        COLUMNS.forEach(m -> out.append(' ').append(m.label()).append(" |"));
        out.append(" JIT | others |\n|---|");
        COLUMNS.forEach(m -> out.append("---:|"));
        out.append("---:|---:|\n");
        contender(out, row.row().base().name(), row.base());
        contender(out, row.row().candidate().name(), row.candidate());
        out.append(row.row().base().kafka() ? "| Surety ÷ Kafka |" : "| " + row.row().candidate().name() + " ÷ "
                + row.row().base().name() + " |");
        for (Metric metric : COLUMNS) {
            double ratio = Goals.ratio(row, metric);
            out.append(' ').append(Double.isNaN(ratio) || Double.isInfinite(ratio) ? "–"
                    : String.format(Locale.ROOT, "%.2fx", ratio)).append(" |");
        }
        out.append(" | |\n");
    }

    private static void contender(StringBuilder out, String name, List<Sample> samples) {
        out.append("| ").append(name).append(" |");
        if (samples.stream().noneMatch(s -> s.result().ok())) {
            String why = samples.isEmpty() ? "no trial" : samples.get(samples.size() - 1).result().note();
            out.append(" not run: ").append(why == null ? "" : why.replace('|', '/')).append(" |");
            COLUMNS.stream().skip(1).forEach(m -> out.append(" |"));
            out.append(" | |\n");
            return;
        }
        for (Metric metric : COLUMNS) {
            out.append(' ').append(spread(metric.over(samples), metric.decimals())).append(" |");
        }
        long failed = samples.stream().filter(s -> !s.result().ok()).count();
        String failures = failed > 0 ? " (" + failed + " failed)" : "";
        if (!Metric.BROKER_CPU_SECONDS.over(samples).known()) {
            // A trial that measures time only (the failover) read no CPU: no JIT share, no others' share.
            out.append(" – | –").append(failures).append(" |\n");
            return;
        }
        double others = samples.stream().mapToDouble(Sample::othersShare).max().orElse(0);
        Spread jit = Spread.of(samples.stream().filter(s -> s.result().ok()).map(s -> 100 * s.jitShare()).toList());
        out.append(String.format(Locale.ROOT, " %s%% | %.1f%%%s |%n", spread(jit, 0), 100 * others, failures));
    }

    static String spread(Spread spread, int decimals) {
        if (!spread.known()) {
            return "–";
        }
        if (spread.count() == 1) {
            return num(spread.median(), decimals);
        }
        return num(spread.median(), decimals) + " (" + num(spread.min(), decimals) + "–" + num(spread.max(), decimals) + ")";
    }

    static String num(double value, int decimals) {
        if (Double.isNaN(value) || value < 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
