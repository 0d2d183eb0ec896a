package io.surety.broker.partition;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a leader knows of its partition's replication at one moment, copied under the partition
 * lock for the metrics scrape ({@link Replication#leaderSnapshot()}). Immutable.
 *
 * @param replicas          the assigned replicas, the leader included
 * @param isr               the committed ISR (a proposal in flight is not counted)
 * @param effectiveMinIsr   min({@code min.insync.replicas}, replica count): below it acks=all is refused
 * @param logStartOffset    the leader's log start
 * @param logEndOffset      the leader's log end
 * @param followerLogEnds   each follower's log end as its last fetch in this leader epoch showed it
 *                          ({@link #UNKNOWN} before its first), by broker id in id order
 */
public record LeaderSnapshot(List<Integer> replicas, List<Integer> isr, int effectiveMinIsr, long logStartOffset,
        long logEndOffset, Map<Integer, Long> followerLogEnds) {

    /** A follower's log end not known yet: it has not fetched in this leader epoch. */
    public static final long UNKNOWN = FollowerProgress.UNKNOWN;

    public LeaderSnapshot {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        followerLogEnds = Collections.unmodifiableMap(new TreeMap<>(followerLogEnds));
    }

    /** Fewer in-sync replicas than assigned ones (Kafka's {@code UnderReplicatedPartitions}). */
    public boolean underReplicated() {
        return isr.size() < replicas.size();
    }

    /** Fewer in-sync replicas than the effective minimum (Kafka's {@code UnderMinIsrPartitionCount}). */
    public boolean underMinIsr() {
        return isr.size() < effectiveMinIsr;
    }

    /**
     * How many offsets follower {@code brokerId} lacks: the leader's log end minus the follower's
     * last fetch offset, never below 0. A follower not heard from in this leader epoch is counted
     * as holding nothing of the leader's log (log end minus log start): the leader cannot tell, and
     * a follower that stopped before the epoch began must not look caught up.
     */
    public long lag(int brokerId) {
        long followerEnd = followerLogEnds.getOrDefault(brokerId, UNKNOWN);
        long from = followerEnd == UNKNOWN ? logStartOffset : followerEnd;
        return Math.max(0, logEndOffset - from);
    }
}
