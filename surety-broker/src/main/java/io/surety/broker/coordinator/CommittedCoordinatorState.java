package io.surety.broker.coordinator;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.log.FramedJournal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;

/**
 * In a cluster, the coordinator state that the coordinator quorum group has committed, kept by
 * every node: the group's committed entries are applied here in log order, its snapshot is written
 * from here and read back into here. When a node becomes the group's leader, its
 * {@link GroupCoordinator} starts from a copy of this state; while it serves, it works on that copy
 * (whose rounds are applied at once and may still be uncommitted), and this state follows a round
 * behind, only ever holding what a failover keeps.
 *
 * <p>Threading: {@link #apply}, {@link #writeSnapshot} and {@link #restore} are called by the
 * quorum's apply thread, {@link #liveRecords} by the coordinator thread when it takes over; one lock
 * guards the state.
 *
 * <p>Implementation notes: this is a second copy of the state on the leader. Kafka's coordinators
 * instead keep one and revert it to the last committed offset; a copy costs memory but makes "what
 * survives a failover" a state of its own that tests can read, and a lost leadership needs no undo.
 */
public final class CommittedCoordinatorState {

    private final GroupConfig config;
    private final TopicView topics;
    private final Clock clock;
    private GroupStateMachine state;
    private long records;

    public CommittedCoordinatorState(GroupConfig config, TopicView topics, Clock clock) {
        this.config = config;
        this.topics = topics;
        this.clock = clock;
        this.state = new GroupStateMachine(config, topics);
    }

    /**
     * Applies one committed entry of the coordinator group.
     *
     * @throws IllegalStateException when the entry cannot be decoded (written by a newer Surety, or
     *     damaged): the quorum then stops this member rather than let it hold another state than its peers
     */
    public synchronized void apply(byte[] entry) {
        List<List<CoordinatorRecord>> operations;
        try {
            operations = CoordinatorEntries.decode(entry);
        } catch (FramedJournal.UndecodableFrameException | RuntimeException e) {
            throw new IllegalStateException("A committed coordinator entry cannot be decoded (" + e.getMessage()
                    + "): written by a newer Surety, or damaged", e);
        }
        long nowMs = clock.millis();
        for (List<CoordinatorRecord> operation : operations) {
            for (CoordinatorRecord record : operation) {
                state.replay(record, nowMs);
                records++;
            }
        }
    }

    /** Writes the committed state as the group's snapshot. */
    public synchronized void writeSnapshot(OutputStream out) throws IOException {
        CoordinatorEntries.writeSnapshot(state.liveRecords(), out);
    }

    /** Replaces the state by a snapshot written by {@link #writeSnapshot}. */
    public synchronized void restore(InputStream in) throws IOException {
        GroupStateMachine restored = new GroupStateMachine(config, topics);
        long nowMs = clock.millis();
        CoordinatorEntries.readSnapshot(in, record -> restored.replay(record, nowMs));
        state = restored;
    }

    /** The records that rebuild the committed state, as a compaction would write them. */
    synchronized List<CoordinatorRecord> liveRecords() {
        return state.liveRecords();
    }

    /** How many records were applied since this node started (for the log line of a takeover). */
    synchronized long appliedRecords() {
        return records;
    }
}
