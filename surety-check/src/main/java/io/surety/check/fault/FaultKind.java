package io.surety.check.fault;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kinds of fault a run can inject, as named on the command line ({@code --faults}). The cluster
 * kinds need a cluster of several nodes the check started ({@code --brokers 3}); they are on by
 * default there and never with a single broker.
 */
public enum FaultKind {
    BROKER_CRASH("broker kill -9 and restart on the same data (with --brokers: every node at once)", false),
    CONNECTION_RESET("every proxied connection reset", false),
    LOST_ACKS("produce responses swallowed after the write", false),
    BLACK_HOLE("nothing crosses the proxy for 3 s", false),
    DELAY("300 ms on every chunk for 3 s", false),
    PRODUCER_CRASH("producer process kill -9, a new one started", false),
    CONSUMER_CRASH_AT_COMMIT("consumer crash at its guarantee's decisive point: after commit before processing "
            + "(at-most-once), after processing before commit (the others)", false),
    CONSUMER_CRASH_MID_BATCH("consumer crash in the middle of a batch", false),
    LEADER_CRASH("kill -9 of a partition's leader, restarted once another leads", true),
    FOLLOWER_CRASH("kill -9 of a partition's follower, restarted 2 s later", true),
    CONTROLLER_CRASH("kill -9 of the active controller (the metadata quorum's leader), restarted once another leads",
            true),
    COORDINATOR_CRASH("kill -9 of the group coordinator (the coordinator quorum's leader), restarted once another "
            + "coordinates", true),
    LEADER_PAUSE("SIGSTOP of a partition's leader for its broker session and 2 s more, then SIGCONT", true),
    REPLICATION_CUT("every replication link cut for 4 s (followers fetch nothing)", true),
    BROKER_ISOLATED("one node cut off from clients and followers for 5 s", true),
    CUT_LEADER_CRASH("replication from a leader cut, acks=1 records acknowledged by it alone, then the leader "
            + "kill -9: the acks=1 loss scenario", true);

    private final String meaning;
    private final boolean clusterOnly;

    FaultKind(String meaning, boolean clusterOnly) {
        this.meaning = meaning;
        this.clusterOnly = clusterOnly;
    }

    /** Whether this kind needs a cluster of several nodes started by the check. */
    public boolean clusterOnly() {
        return clusterOnly;
    }

    /** The kinds a run injects when {@code --faults} does not say: with several nodes, everything but whole-cluster crashes. */
    public static Set<FaultKind> defaults(int brokers) {
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (FaultKind kind : values()) {
            if (brokers > 1 ? kind != BROKER_CRASH : !kind.clusterOnly) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    /**
     * Whether this kind {@code kill -9}s a node that leads something the clients depend on when it is
     * hit: a partition's leader (also the acks=1 scenario's), the active controller, or the group
     * coordinator (the leader of the coordinator quorum). A follower kill and a frozen leader are not.
     */
    public boolean killsALeader() {
        return this == LEADER_CRASH || this == CUT_LEADER_CRASH || this == CONTROLLER_CRASH || this == COORDINATOR_CRASH;
    }

    /**
     * The kind of the fault named {@code faultName} in a history or a report (as {@link Fault#name()}
     * names it, with or without its victim and situation, or as a consumer crash is recorded), or
     * empty for a name no kind gives.
     */
    public static Optional<FaultKind> ofFaultName(String faultName) {
        if (faultName == null) {
            return Optional.empty();
        }
        for (FaultKind kind : values()) {
            if (kind.clusterOnly() && faultName.startsWith(ClusterFault.of(kind).name())) {
                return Optional.of(kind);
            }
        }
        if (faultName.equals(new Fault.BrokerCrash().name())) {
            return Optional.of(BROKER_CRASH);
        } else if (faultName.equals(new Fault.ConnectionReset().name())) {
            return Optional.of(CONNECTION_RESET);
        } else if (faultName.endsWith(" produce responses lost")) {
            return Optional.of(LOST_ACKS);
        } else if (faultName.startsWith("network black hole")) {
            return Optional.of(BLACK_HOLE);
        } else if (faultName.startsWith("network delay")) {
            return Optional.of(DELAY);
        } else if (faultName.endsWith(" producer kill -9")) {
            return Optional.of(PRODUCER_CRASH);
        } else if (faultName.contains("consumer crash")) {
            return Optional.of(faultName.endsWith("mid-processing") ? CONSUMER_CRASH_MID_BATCH : CONSUMER_CRASH_AT_COMMIT);
        }
        return Optional.empty();
    }

    /** The command-line name, e.g. {@code broker-crash}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String meaning() {
        return meaning;
    }

    /**
     * The kind named {@code text}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static FaultKind parse(String text) {
        for (FaultKind kind : values()) {
            if (kind.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown fault '" + text + "': expected one of "
                + Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", ")));
    }
}
