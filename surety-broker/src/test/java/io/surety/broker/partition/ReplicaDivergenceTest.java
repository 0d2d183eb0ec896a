package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-279 divergence over three replicas: leaders change (clean elections from the ISR) while
 * each replica holds an uncommitted tail of its own; followers fetch, truncate on DivergingEpoch
 * and append. After every step no replica has lost an offset below the highest high watermark
 * any leader published; at the end, with everyone caught up, the three logs hold identical
 * batches (offsets, epochs, CRCs: the bytes). Seeded: rerun with -Dsurety.seed.
 */
class ReplicaDivergenceTest {

    @TempDir
    Path dir;

    @Test
    void shouldConvergeWithoutLosingCommittedOffsetsAcrossLeaderChanges() throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        System.out.println("ReplicaDivergenceTest seed " + seed);
        Random random = new Random(seed);
        ReplicaSet set = new ReplicaSet(dir, 3, new IsrSettings(1, 1_000));
        set.elect(1);
        long committed = 0;
        ByteBuffer committedBytes = ByteBuffer.allocate(0);
        for (int step = 0; step < 300; step++) {
            set.nowMs += 100;
            int action = random.nextInt(10);
            if (action < 3) {
                set.produce(1 + random.nextInt(3));
            } else if (action < 8) {
                int follower = other(set, random);
                set.fetch(follower, 64 + random.nextInt(400));
            } else if (action < 9) {
                set.commit(set.replication(set.leaderId).maybeShrinkIsr(set.nowMs));
            } else {
                List<Integer> candidates = new ArrayList<>(set.isr);
                set.elect(candidates.get(random.nextInt(candidates.size())));
            }
            long hw = set.leader().highWatermark();
            if (hw > committed) {
                committed = hw;
                committedBytes = prefix(ReplicaSet.wholeLog(set.leader()), committed);
            }
            for (int id : set.ids) {
                Partition replica = set.get(id);
                assertThat(replica.highWatermark()).as("seed %d step %d replica %d", seed, step, id)
                        .isLessThanOrEqualTo(replica.logEndOffset());
                if (set.isr.contains(id)) {
                    assertThat(replica.logEndOffset()).as("seed %d step %d: ISR member %d holds the committed log",
                            seed, step, id).isGreaterThanOrEqualTo(committed);
                }
                // An ISR member holds the committed log itself; a replica outside the ISR may still hold
                // a tail it wrote as an earlier leader, above its own high watermark, until it fetches
                // and truncates: only what it counts as committed must match.
                long checked = set.isr.contains(id) ? replica.logEndOffset() : replica.highWatermark();
                long have = Math.min(checked, committed);
                assertThat(prefix(ReplicaSet.wholeLog(replica), have)).as("seed %d step %d replica %d", seed, step, id)
                        .isEqualTo(prefix(committedBytes, have));
            }
        }
        for (int round = 0; round < 40; round++) {
            set.nowMs += 100;
            for (int id : set.ids) {
                if (id != set.leaderId) {
                    set.fetch(id, Integer.MAX_VALUE);
                }
            }
        }
        ByteBuffer leaderLog = ReplicaSet.wholeLog(set.leader());
        for (int id : set.ids) {
            assertThat(ReplicaSet.wholeLog(set.get(id))).as("seed %d replica %d", seed, id).isEqualTo(leaderLog);
        }
        assertThat(set.isr).as("seed %d", seed).hasSize(3);
        assertThat(prefix(leaderLog, committed)).isEqualTo(committedBytes);
    }

    private static int other(ReplicaSet set, Random random) {
        List<Integer> followers = new ArrayList<>(set.ids);
        followers.remove(Integer.valueOf(set.leaderId));
        return followers.get(random.nextInt(followers.size()));
    }

    /** The whole batches of {@code log} below offset {@code end}. */
    private static ByteBuffer prefix(ByteBuffer log, long end) {
        int position = 0;
        while (position + 61 <= log.limit()) {
            long base = log.getLong(position);
            int size = log.getInt(position + 8) + 12;
            long last = base + log.getInt(position + 23);
            if (last >= end) {
                break;
            }
            position += size;
        }
        return log.duplicate().position(0).limit(position).slice();
    }
}
