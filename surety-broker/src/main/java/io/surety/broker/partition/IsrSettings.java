package io.surety.broker.partition;

/**
 * The settings a replicated leader keeps its ISR by, read by the caller from the topic and broker
 * configuration ({@code min.insync.replicas}, {@code replica.lag.time.max.ms}) and handed in when
 * the partition becomes leader or its configuration changes.
 *
 * @param minInsyncReplicas   the ISR size below which acks=all is refused and the high watermark
 *                            stops; the effective minimum is this or the replica count, whichever
 *                            is smaller
 * @param replicaLagTimeMaxMs how long a follower may go without catching up to the leader's log end
 *                            before the leader proposes to remove it from the ISR
 */
public record IsrSettings(int minInsyncReplicas, long replicaLagTimeMaxMs) {

    /** Kafka's defaults: {@code min.insync.replicas=1}, {@code replica.lag.time.max.ms=30000}. */
    public static final IsrSettings DEFAULTS = new IsrSettings(1, 30_000);

    public IsrSettings {
        if (minInsyncReplicas < 1 || replicaLagTimeMaxMs < 0) {
            throw new IllegalArgumentException("Invalid ISR settings: min.insync.replicas=" + minInsyncReplicas
                    + ", replica.lag.time.max.ms=" + replicaLagTimeMaxMs);
        }
    }
}
