package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.ReadResult;
import io.surety.broker.record.InvalidBatchException;
import io.surety.broker.record.ProducedBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Test driver: replicas of one partition, each a {@link Partition} in its own directory (broker
 * ids 1..n), a tiny in-test controller that picks leaders and epochs and commits ISR proposals,
 * and a fetch step that copies batches from the leader to a follower through the replication
 * methods, as the follower's fetcher and the leader's Fetch handler will. No sockets, manual time.
 */
final class ReplicaSet {

    static final long T0 = 1_700_000_000_000L;
    static final TopicPartition TP = new TopicPartition("events", 0);
    private static final Uuid ID = Uuid.randomUuid();

    final Map<Integer, Partition> replicas = new HashMap<>();
    final List<Integer> ids;
    final IsrSettings settings;
    int leaderId;
    int leaderEpoch;
    int partitionEpoch;
    List<Integer> isr;
    long nowMs = T0;
    private int stamp;

    ReplicaSet(Path dir, int count, IsrSettings settings) throws IOException {
        this.settings = settings;
        this.ids = java.util.stream.IntStream.rangeClosed(1, count).boxed().toList();
        for (int id : ids) {
            PartitionRegistry registry = new PartitionRegistry(dir.resolve("broker-" + id),
                    LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false),
                    Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), tp -> { });
            replicas.put(id, registry.open(TP, ID, TopicConfig.of(BrokerConfig.of(Map.of()), Map.of()), true));
        }
        this.isr = ids;
    }

    Partition get(int id) {
        return replicas.get(id);
    }

    Replication replication(int id) {
        return replicas.get(id).replication();
    }

    Partition leader() {
        return replicas.get(leaderId);
    }

    /** The controller elects {@code newLeader} in a new epoch; every other replica follows it. */
    void elect(int newLeader) {
        leaderId = newLeader;
        leaderEpoch++;
        partitionEpoch++;
        assertThat(replication(newLeader).becomeLeader(new LeaderAndIsr(newLeader, leaderEpoch, partitionEpoch, ids, isr),
                settings, IsrEligibility.ANY, nowMs)).isTrue();
        for (int id : ids) {
            if (id != newLeader) {
                assertThat(replication(id).becomeFollower(newLeader, leaderEpoch)).isTrue();
            }
        }
    }

    /** The controller commits {@code proposal} at once. */
    void commit(Optional<IsrProposal> proposal) {
        proposal.ifPresent(p -> {
            partitionEpoch++;
            isr = p.newIsr();
            assertThat(replication(leaderId).isrChangeCommitted(p, partitionEpoch, p.newIsr())).isTrue();
        });
    }

    /** Appends {@code count} one-record batches on the leader (acks=1); returns the end offset. */
    long produce(int count) {
        long end = -1;
        for (int i = 0; i < count; i++) {
            AppendOutcome outcome = leader().append(batch(), nowMs);
            assertThat(outcome.error()).isEqualTo(Errors.NONE);
            end = outcome.endOffset();
        }
        return end;
    }

    ProducedBatch batch() {
        String value = "v" + stamp++;
        try {
            return ProducedBatch.parse(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(T0 + stamp, "k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))));
        } catch (InvalidBatchException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * One fetch by follower {@code id} (up to {@code maxBytes}): a divergence truncates, a read
     * appends, and the leader records the fetch offset; an ISR proposal is committed at once.
     * Returns what the leader answered.
     */
    ReplicaFetchCheck fetch(int id, int maxBytes) throws Exception {
        Partition follower = get(id);
        long fetchOffset = follower.logEndOffset();
        int lastEpoch = follower.log().latestLeaderEpoch().orElse(-1);
        ReplicaFetchCheck check = replication(leaderId).checkReplicaFetch(id, leaderEpoch, lastEpoch, fetchOffset);
        if (check instanceof ReplicaFetchCheck.Diverging diverging) {
            replication(id).follower().truncateOnDivergence(diverging.epoch(), diverging.endOffset());
        } else if (check instanceof ReplicaFetchCheck.ReadFrom) {
            Replication.FollowerFetchUpdate update = replication(leaderId).updateFollowerFetchState(id, -1, fetchOffset,
                    follower.logStartOffset(), nowMs);
            assertThat(update.error()).isEqualTo(Errors.NONE);
            commit(update.isrChange());
            ReadResult read = replication(leaderId).readForReplica(fetchOffset, maxBytes, true);
            FollowerLog.AppendOutcome appended = replication(id).follower().append(bytes(read),
                    read.highWatermark(), read.logStartOffset(), nowMs);
            assertThat(appended.error()).as(appended.message()).isEqualTo(Errors.NONE);
        }
        return check;
    }

    static ByteBuffer bytes(ReadResult read) throws IOException {
        if (read.slice() == null) {
            return ByteBuffer.allocate(0);
        }
        ByteBuffer bytes = ByteBuffer.allocate(read.sizeInBytes());
        while (bytes.hasRemaining()) {
            read.slice().channel().read(bytes, read.slice().position() + bytes.position());
        }
        return bytes.flip();
    }

    /** Every batch of {@code partition}'s log, as bytes, from its start to its end. */
    static ByteBuffer wholeLog(Partition partition) throws Exception {
        return bytes(partition.replication().readForReplica(partition.logStartOffset(), Integer.MAX_VALUE, true));
    }
}
