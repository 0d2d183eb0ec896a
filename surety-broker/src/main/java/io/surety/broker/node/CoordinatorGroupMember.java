package io.surety.broker.node;

import io.surety.broker.coordinator.CommittedCoordinatorState;
import io.surety.broker.coordinator.CoordinatorQuorum;
import io.surety.broker.coordinator.GroupCoordinator;
import io.surety.broker.quorum.LeadershipListener;
import io.surety.broker.quorum.QuorumGroup;
import io.surety.broker.quorum.RatisQuorum;
import io.surety.broker.quorum.ReplicatedStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * This node's member of the coordinator quorum group: the group's committed entries drive the
 * {@link CommittedCoordinatorState}; while this node leads the group, its {@link GroupCoordinator}
 * serves and proposes its rounds here.
 *
 * <p>Threading: the quorum calls the state-machine methods on its apply thread and the leadership
 * ones on its own threads; the coordinator proposes from its thread. Leadership changes and
 * {@link #serve} hold this object's lock, so the coordinator hears them in order; the term is also
 * published through a volatile field.
 *
 * <p>Implementation notes: the group has the metadata group's voters and runs on the same Ratis
 * server, but elects its own leader, so the coordinators may run on another node than the
 * controller. Its requests channel is unused: clients reach the coordinator directly
 * (FindCoordinator names the group's leader).
 */
public final class CoordinatorGroupMember implements CoordinatorQuorum {

    /** The group's name, the same on every voter. */
    static final String GROUP = "coordinator";

    private final CommittedCoordinatorState committed;
    private volatile GroupCoordinator coordinator;
    private volatile RatisQuorum quorum;
    private volatile long leaderTerm = -1;

    public CommittedCoordinatorState committed() {
        return committed;
    }

    public CoordinatorGroupMember(CommittedCoordinatorState committed) {
        this.committed = committed;
    }

    /**
     * The coordinator told when this node starts and stops leading the group. It may come after the
     * group started: it is then told at once if this node already leads.
     */
    public synchronized void serve(GroupCoordinator served) {
        this.coordinator = served;
        if (leaderTerm >= 0) {
            served.becameLeader(leaderTerm);
        }
    }

    /**
     * The coordinator epoch of this node's transaction markers: the term in which it leads the group
     * (Kafka's coordinator epoch grows with each coordinator move as the term does); -1 when it does not.
     */
    public int coordinatorEpoch() {
        return (int) Math.min(Integer.MAX_VALUE, leaderTerm);
    }

    /** The group's definition, for the node's Ratis server. */
    QuorumGroup group() {
        ReplicatedStateMachine machine = new ReplicatedStateMachine() {
            @Override
            public void apply(long index, byte[] entry) {
                committed.apply(entry);
            }

            @Override
            public void writeSnapshot(OutputStream out) throws IOException {
                committed.writeSnapshot(out);
            }

            @Override
            public void restore(InputStream in) throws IOException {
                committed.restore(in);
            }
        };
        LeadershipListener leadership = new LeadershipListener() {
            @Override
            public void becameLeader(long term) {
                synchronized (CoordinatorGroupMember.this) {
                    leaderTerm = term;
                    if (coordinator != null) {
                        coordinator.becameLeader(term);
                    }
                }
            }

            @Override
            public void lostLeadership() {
                synchronized (CoordinatorGroupMember.this) {
                    leaderTerm = -1;
                    if (coordinator != null) {
                        coordinator.lostLeadership();
                    }
                }
            }
        };
        return new QuorumGroup(GROUP, machine,
                request -> CompletableFuture.failedFuture(new IOException("The coordinator group takes no requests")),
                leadership);
    }

    void attach(RatisQuorum started) {
        this.quorum = started;
    }

    @Override
    public CompletableFuture<Void> propose(long term, byte[] entry) {
        return quorum.propose(term, entry).thenApply(index -> null);
    }

    /** The term while this node leads and everything it proposed is applied (committed or dropped); else -1. */
    @Override
    public long leadingTerm() {
        RatisQuorum started = quorum;
        long term = leaderTerm;
        if (started == null || term < 0 || !started.isLeader()) {
            return -1;
        }
        return started.lastAppliedIndex() >= started.lastLogIndex() ? term : -1;
    }

    /** The node leading the group, where the coordinators run, if this member knows of one. */
    OptionalInt leaderId() {
        RatisQuorum started = quorum;
        return started == null ? OptionalInt.empty() : started.leaderId();
    }

    void close() throws IOException {
        RatisQuorum started = quorum;
        if (started != null) {
            started.close();
        }
    }
}
