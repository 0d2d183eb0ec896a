package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether a run reached the scenario in which acks=1 records are lost, so that the acks=1 row never
 * shows a silent 0. The scenario: replication from a leader cut, acks=1 records acknowledged by it
 * alone, the leader killed while its followers are still in the ISR, one of them elected without
 * those records. The fault that plays it names, when it strikes, whether followers were in the ISR
 * ({@link #REACHABLE}) or not ({@link #UNREACHABLE}: no clean election can then drop a record).
 *
 * <p>Stateless.
 */
public final class Acks1Scenario {

    /** How the name of the fault that plays the scenario begins. */
    public static final String FAULT_NAME = "replication cut, then acks=1 leader kill -9";
    /** In that fault's name when followers were in the ISR as it struck. */
    public static final String REACHABLE = "loss scenario reachable";
    /** In that fault's name when the leader was alone in the ISR as it struck. */
    public static final String UNREACHABLE = "loss scenario not reachable, no follower in the ISR";

    /**
     * How the names of the faults that can move a partition's leadership begin: a leader that dies,
     * freezes past its session or is cut off may be replaced without the acks=1 records it alone had.
     * A follower kill is one too: the node is a follower of the watched partition only, and may lead
     * a partition of the acks=1 topic (with 3 partitions on 3 nodes, it usually does).
     */
    public static final List<String> FAILOVERS = List.of(FAULT_NAME, "partition leader kill -9", "controller kill -9",
            "group coordinator kill -9", "partition follower kill -9", "partition leader SIGSTOP", "node isolated",
            "broker kill -9 and restart");
    /** A record acknowledged this long before such a fault may still have been on its leader alone. */
    static final long BEFORE_FAILOVER_MS = 2_000;

    private Acks1Scenario() {
    }

    /**
     * The acks=1 row explained, with its lost records checked against the faults: each one should
     * have been acknowledged during a fault that could move its leader, or shortly before one.
     */
    static GuaranteeResult explain(GuaranteeResult row, List<FaultWindow> faults, List<HistoryEvent> events,
                                   RunClock clock) {
        return explain(row, faults, lostAwayFromFailovers(faults, events, clock));
    }

    /** How many acknowledged records the final read did not find were acknowledged away from any failover. */
    private static long lostAwayFromFailovers(List<FaultWindow> faults, List<HistoryEvent> events, RunClock clock) {
        Map<RecordKey, Long> ackedAtMs = new HashMap<>();
        Set<RecordKey> found = new HashSet<>();
        for (HistoryEvent e : events) {
            if (e.producer() == null || e.seq() < 0) {
                continue;
            }
            RecordKey key = new RecordKey(e.producer(), e.seq());
            if (e.type() == EventType.ACK) {
                ackedAtMs.putIfAbsent(key, clock.millisAt(e.nanos()));
            } else if (e.type() == EventType.LOG_READ) {
                found.add(key);
            }
        }
        List<FaultWindow> failovers = faults.stream().filter(f -> f.status() == FaultStatus.RAN)
                .filter(f -> FAILOVERS.stream().anyMatch(f.name()::startsWith)).toList();
        long away = 0;
        for (Map.Entry<RecordKey, Long> acked : ackedAtMs.entrySet()) {
            long atMs = acked.getValue();
            if (!found.contains(acked.getKey()) && failovers.stream().noneMatch(f -> atMs >= f.startMs() - BEFORE_FAILOVER_MS
                    && (f.endMs() < 0 || atMs <= f.endMs()))) {
                away++;
            }
        }
        return away;
    }

    /**
     * The acks=1 row with its promise saying what the count means: how many were lost on a leader
     * failover, or that none was although the scenario was reached, or that it was not reached and why.
     */
    static GuaranteeResult explain(GuaranteeResult row, List<FaultWindow> faults, long lostAway) {
        List<FaultWindow> played = faults.stream().filter(f -> f.name().startsWith(FAULT_NAME)).toList();
        boolean reached = played.stream().anyMatch(f -> f.status() == FaultStatus.RAN && f.name().contains(REACHABLE));
        String remark;
        if (row.lost() > 0) {
            remark = row.lost() + " lost" + (lostAway == 0 ? " on leader failovers"
                    : ", " + lostAway + " of them acknowledged away from any leader failover")
                    + (reached ? "; the leader killed with replication cut reached the loss scenario" : "");
        } else if (reached) {
            remark = "scenario reached (leader killed with followers in the ISR), none lost";
        } else if (played.stream().anyMatch(f -> f.status() == FaultStatus.RAN)) {
            remark = "scenario not reached: no follower was in the ISR when the leader was killed";
        } else {
            remark = "scenario not reached: the replication-cut leader kill did not run"
                    + (played.isEmpty() ? "" : " (" + played.get(0).status().name().toLowerCase(Locale.ROOT)
                            + (played.get(0).reason() == null ? "" : ": " + played.get(0).reason()) + ")");
        }
        return new GuaranteeResult(row.guarantee(), row.promise() + " (" + remark + ")", row.sent(),
                row.acknowledged(), row.failed(), row.delivered(), row.lost(), row.lostUnacknowledged(),
                row.duplicated(), row.logDuplicates(), row.reordered(), row.abortedReads(), row.phantoms(),
                row.offsetsSkipped(), row.verdict());
    }
}
