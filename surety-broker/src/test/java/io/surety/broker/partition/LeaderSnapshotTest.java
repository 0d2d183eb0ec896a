package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a leader reports to the scrape: ISR and followers' lag, from the same state it decides with. */
class LeaderSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void shouldReportFollowerLagFromLastFetchAndUnderMinIsrAfterAShrink() throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 3, new IsrSettings(3, 1_000));
        set.elect(1);
        set.produce(4);
        set.fetch(2, Integer.MAX_VALUE);
        set.fetch(3, Integer.MAX_VALUE);
        set.fetch(2, Integer.MAX_VALUE);
        set.fetch(3, Integer.MAX_VALUE);
        set.produce(6);
        set.fetch(2, Integer.MAX_VALUE);

        LeaderSnapshot healthy = set.replication(1).leaderSnapshot().orElseThrow();
        assertThat(healthy.logEndOffset()).isEqualTo(10);
        assertThat(healthy.lag(2)).as("broker 2 last fetched from 4; only its next fetch reports 10").isEqualTo(6);
        assertThat(healthy.lag(3)).isEqualTo(6);
        assertThat(healthy.underReplicated()).isFalse();
        assertThat(healthy.underMinIsr()).isFalse();

        set.fetch(2, Integer.MAX_VALUE);
        set.nowMs += 5_000;
        set.commit(set.replication(1).maybeShrinkIsr(set.nowMs));
        LeaderSnapshot shrunk = set.replication(1).leaderSnapshot().orElseThrow();
        assertThat(shrunk.isr()).containsExactly(1, 2);
        assertThat(shrunk.lag(2)).isZero();
        assertThat(shrunk.lag(3)).isEqualTo(6);
        assertThat(shrunk.underReplicated()).isTrue();
        assertThat(shrunk.underMinIsr()).isTrue();
    }

    @Test
    void shouldCountAFollowerNotHeardFromInThisEpochAsHoldingNothing() throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 3, new IsrSettings(2, 1_000));
        set.elect(1);
        set.produce(3);

        LeaderSnapshot snapshot = set.replication(1).leaderSnapshot().orElseThrow();
        assertThat(snapshot.followerLogEnds()).containsOnlyKeys(2, 3);
        assertThat(snapshot.lag(2)).isEqualTo(3);
        assertThat(set.replication(2).leaderSnapshot()).as("a follower reports nothing").isEmpty();
    }

    @Test
    void shouldReportNothingForASingleReplica() throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 1, new IsrSettings(1, 1_000));
        set.isr = List.of(1);
        set.elect(1);

        assertThat(set.replication(1).leaderSnapshot()).isEmpty();
    }
}
