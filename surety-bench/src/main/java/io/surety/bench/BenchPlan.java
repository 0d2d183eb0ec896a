package io.surety.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a run measures: the rows of the report and the warm-up every broker gets first. Rows in
 * the "page cache" section compare Kafka's default flush with Surety's {@code interval} policy;
 * rows in the "fsync before ack" section compare Kafka with {@code flush.messages=1} (every
 * append forced before the answer) with Surety's {@code fsync} policy. Stateless.
 */
final class BenchPlan {

    static final String PAGE_CACHE = "Page cache: Kafka (default flush) vs Surety flush.policy=interval";
    static final String FSYNC = "fsync before ack on both: Kafka flush.messages=1 vs Surety flush.policy=fsync";

    static final String ACKS_1 = "produce acks=1";
    static final String ACKS_ALL = "produce acks=all idempotent";
    static final String TRANSACTIONAL = "produce transactional (100 ms transactions)";
    static final String SMALL_TRANSACTIONS = "small transactions (10 records each, back to back)";
    static final String PARTITIONS_100 = "produce acks=all idempotent, 100 partitions";
    static final String PARTITIONS_1000 = "produce acks=all idempotent, 1,000 partitions";
    static final String SMALL_RECORDS = "produce acks=all idempotent, 100-byte records";
    static final String LARGE_RECORDS = "produce acks=all idempotent, 64 KiB records";
    static final String FIXED_RATE = "fixed rate 10,000 records/s, acks=all idempotent";
    static final String CONSUME = "consume (one consumer)";
    static final String GROUP_CONSUME = "consumer group (3 members, 6 partitions)";
    static final String END_TO_END = "end-to-end latency acks=all (one record at a time)";
    static final String FAILOVER = "failover: leader kill -9 to the first acks=all acknowledgement";

    static final int FIXED_RATE_PER_SECOND = 10_000;

    /**
     * Reading trials read at least this many records: fewer take a broker well under a tenth of a
     * CPU-second, where one collection or compilation decides the figure (a quick run with 100,000
     * showed one build at twice another's CPU; at 300,000 they were within 1 %).
     */
    static final long MIN_READ_RECORDS = 300_000;

    /** The 3-partition produce row with fsync before ack on both writes this many times fewer records. */
    static final int FSYNC_SCALE_DOWN = 2;

    /** The 1,000-partition produce row with fsync before ack on both writes this many times fewer records. */
    static final int FSYNC_MANY_PARTITIONS_SCALE_DOWN = 10;

    /** A cluster's end-to-end row with fsync before ack on both sends this many times fewer records. */
    static final int FSYNC_REPLICATED_LATENCY_SCALE_DOWN = 5;

    private BenchPlan() {
    }

    static List<Row> rows(BenchSettings s) {
        long r = s.records();
        List<Workload> pageCache = List.of(
                Workload.produce(ACKS_1, r, 1024, 3, "1", false),
                Workload.produce(ACKS_ALL, r, 1024, 3, "all", true),
                Workload.transactional(TRANSACTIONAL, r, 3, 100),
                Workload.smallTransactions(SMALL_TRANSACTIONS, s.transactions(), 10, 3),
                Workload.produce(PARTITIONS_100, r, 1024, 100, "all", true),
                Workload.produce(PARTITIONS_1000, r, 1024, 1000, "all", true),
                Workload.produce(SMALL_RECORDS, r * 4, 100, 3, "all", true),
                Workload.produce(LARGE_RECORDS, Math.max(1, r / 32), 64 * 1024, 3, "all", true),
                fixedRate(s),
                Workload.consume(CONSUME, Math.max(r, MIN_READ_RECORDS), 3),
                Workload.groupConsume(GROUP_CONSUME, Math.max(r, MIN_READ_RECORDS), 6, 3),
                Workload.endToEnd(END_TO_END, s.latencyRecords()));
        // Kafka forcing every append to 1,000 partitions runs at a few hundred records/s here: these
        // rows write fewer records (the same count for both brokers) to keep a run within the hour.
        List<Workload> fsync = List.of(
                Workload.produce(ACKS_ALL, r / FSYNC_SCALE_DOWN, 1024, 3, "all", true),
                Workload.produce(PARTITIONS_1000, r / FSYNC_MANY_PARTITIONS_SCALE_DOWN, 1024, 1000, "all", true),
                Workload.smallTransactions(SMALL_TRANSACTIONS, s.transactions(), 10, 3),
                fixedRate(s),
                Workload.endToEnd(END_TO_END, s.latencyRecords()));
        return likeWithLike(pageCache, fsync);
    }

    /**
     * The rows of {@code --replicated}, run on clusters of three combined nodes with one replica of
     * every partition on each: the seeds' acks=1 and acks=all, reading, latency, and how long a
     * leader's death stops producers. The fsync section's latency row sends fewer records: on a
     * cluster each one waits for three forced writes.
     */
    static List<Row> replicatedRows(BenchSettings s) {
        long r = s.records();
        List<Workload> pageCache = List.of(
                Workload.produce(ACKS_1, r, 1024, 3, "1", false),
                Workload.produce(ACKS_ALL, r, 1024, 3, "all", true),
                Workload.consume(CONSUME, Math.max(r, MIN_READ_RECORDS), 3),
                Workload.endToEnd(END_TO_END, s.latencyRecords()),
                Workload.failover(FAILOVER));
        List<Workload> fsync = List.of(
                Workload.produce(ACKS_ALL, r / FSYNC_SCALE_DOWN, 1024, 3, "all", true),
                Workload.endToEnd(END_TO_END, s.latencyRecords() / FSYNC_REPLICATED_LATENCY_SCALE_DOWN));
        return likeWithLike(pageCache, fsync);
    }

    /** The warm-up of a cluster: each kind of work its rows do, with at least {@code warmUpRecords} records. */
    static List<Workload> replicatedWarmUps(BenchSettings s) {
        long w = s.warmUpRecords();
        return List.of(
                Workload.produce("warm-up produce acks=all idempotent", w, 1024, 3, "all", true),
                Workload.produce("warm-up produce acks=1", w, 1024, 3, "1", false),
                Workload.consume("warm-up consume (after its fill)", w, 3),
                Workload.endToEnd("warm-up end-to-end", s.latencyRecords() / 2));
    }

    /** The page-cache section's workloads as Kafka against Surety interval, the fsync section's as flush.messages=1 against fsync. */
    private static List<Row> likeWithLike(List<Workload> pageCache, List<Workload> fsync) {
        List<Row> rows = new ArrayList<>();
        pageCache.forEach(w -> rows.add(new Row(PAGE_CACHE, w, Contender.KAFKA, Contender.SURETY_INTERVAL)));
        fsync.forEach(w -> rows.add(new Row(FSYNC, w, Contender.KAFKA_FLUSH_EVERY_MESSAGE, Contender.SURETY_FSYNC)));
        return rows;
    }

    /**
     * The rows whose workload is named by one of {@code filters} (all rows when there is none): a
     * run of only the rows an optimisation is about. A filter is a workload's name, or the start of
     * names followed by {@code *}.
     */
    static List<Row> only(List<Row> rows, List<String> filters) {
        if (filters.isEmpty()) {
            return rows;
        }
        return rows.stream().filter(row -> filters.stream().anyMatch(f -> names(f, row.workload().name()))).toList();
    }

    private static boolean names(String filter, String name) {
        return filter.endsWith("*") ? name.startsWith(filter.substring(0, filter.length() - 1)) : name.equals(filter);
    }

    /**
     * The same rows with an earlier Surety build as the base of each, under the candidate's flush
     * policy, instead of Kafka: what a change did, measured as the bench measures everything.
     */
    static List<Row> againstBaseline(List<Row> rows, String label) {
        return rows.stream().map(row -> new Row(row.section(), row.workload(),
                Contender.baselineOf(row.candidate(), label), row.candidate())).toList();
    }

    /** The broker processes the rows use. */
    static Set<String> brokersOf(List<Row> rows) {
        Set<String> brokers = new LinkedHashSet<>();
        rows.forEach(row -> {
            brokers.add(row.base().broker());
            brokers.add(row.candidate().broker());
        });
        return brokers;
    }

    /**
     * The warm-up every broker process runs before anything is measured: each kind of work, with
     * at least {@code warmUpRecords} records where records are what it is about.
     */
    static List<Workload> warmUps(BenchSettings s) {
        long w = s.warmUpRecords();
        return List.of(
                Workload.produce("warm-up produce acks=all idempotent", w, 1024, 3, "all", true),
                Workload.consume("warm-up consume (after its fill)", w, 3),
                Workload.transactional("warm-up transactional", w, 3, 100),
                Workload.groupConsume("warm-up consumer group", w, 6, 3),
                Workload.smallTransactions("warm-up small transactions", s.transactions(), 10, 3),
                Workload.produce("warm-up 1,000 partitions", w / 4, 1024, 1000, "all", true),
                Workload.endToEnd("warm-up end-to-end", s.latencyRecords() / 2));
    }

    private static Workload fixedRate(BenchSettings s) {
        return Workload.fixedRate(FIXED_RATE, (long) FIXED_RATE_PER_SECOND * s.fixedRateSeconds(), 3, FIXED_RATE_PER_SECOND);
    }
}
