package io.surety.bench;

/**
 * One benchmark workload: what the load generator does, on a fresh topic of {@code partitions},
 * with the same settings for every broker. Producers use acks, idempotence, {@code linger.ms=5}
 * and {@code batch.size=65536}; {@code throughput} is the producer's fixed rate in records per
 * second, or -1 for as fast as it can. Immutable.
 *
 * <p>Kinds: PRODUCE is Kafka's ProducerPerformance (transactional when {@code transactionMs > 0},
 * committing every that many ms); SMALL_TRANSACTIONS commits every {@code recordsPerTransaction}
 * records back to back and reports commit latency; CONSUME (ConsumerPerformance) and
 * GROUP_CONSUME ({@code members} consumers in one group) read exactly the {@code records} a fill
 * wrote into the topic just before, outside the measurement; END_TO_END is EndToEndLatency, one
 * record at a time; FAILOVER (a cluster only) kills the leader of a one-partition topic with
 * {@code kill -9} and times the first acks=all send after it (see {@link FailoverTrial}).
 */
record Workload(String name, Kind kind, long records, int recordSize, int partitions, String acks, boolean idempotent,
        long transactionMs, int recordsPerTransaction, int throughput, int members) {

    enum Kind { PRODUCE, SMALL_TRANSACTIONS, CONSUME, GROUP_CONSUME, END_TO_END, FAILOVER }

    static Workload produce(String name, long records, int recordSize, int partitions, String acks, boolean idempotent) {
        return new Workload(name, Kind.PRODUCE, records, recordSize, partitions, acks, idempotent, 0, 0, -1, 0);
    }

    static Workload transactional(String name, long records, int partitions, long transactionMs) {
        return new Workload(name, Kind.PRODUCE, records, 1024, partitions, "all", true, transactionMs, 0, -1, 0);
    }

    static Workload fixedRate(String name, long records, int partitions, int recordsPerSecond) {
        return new Workload(name, Kind.PRODUCE, records, 1024, partitions, "all", true, 0, 0, recordsPerSecond, 0);
    }

    static Workload smallTransactions(String name, long transactions, int recordsPerTransaction, int partitions) {
        return new Workload(name, Kind.SMALL_TRANSACTIONS, transactions * recordsPerTransaction, 1024, partitions, "all",
                true, 0, recordsPerTransaction, -1, 0);
    }

    static Workload consume(String name, long records, int partitions) {
        return new Workload(name, Kind.CONSUME, records, 1024, partitions, "1", false, 0, 0, -1, 1);
    }

    static Workload groupConsume(String name, long records, int partitions, int members) {
        return new Workload(name, Kind.GROUP_CONSUME, records, 1024, partitions, "1", false, 0, 0, -1, members);
    }

    static Workload endToEnd(String name, long records) {
        return new Workload(name, Kind.END_TO_END, records, 1024, 1, "all", true, 0, 0, -1, 0);
    }

    static Workload failover(String name) {
        return new Workload(name, Kind.FAILOVER, 1, 1024, 1, "all", true, 0, 0, -1, 0);
    }

    /**
     * True for the trial that kills a node: the schedule runs it after every other trial, so no other
     * trial meets a node that was just restarted and is not warm again.
     */
    boolean killsANode() {
        return kind == Kind.FAILOVER;
    }

    /** True when the trial first fills the topic with the records it then reads. */
    boolean readsFilledTopic() {
        return kind == Kind.CONSUME || kind == Kind.GROUP_CONSUME;
    }

    /** True for the rows whose throughput goal applies: everything that produces as fast as it can. */
    boolean producesFlatOut() {
        return (kind == Kind.PRODUCE && throughput < 0) || kind == Kind.SMALL_TRANSACTIONS;
    }
}
