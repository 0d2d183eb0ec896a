package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord;
import io.surety.broker.cluster.LeaderRecoveryState;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ElectionCountTest {

    private final ClusterImage before = new ClusterImages().topic(List.of(1, 2), 1, 1, 1);

    @Test
    void shouldCountALeaderFromTheIsrAsACleanElection() {
        assertThat(ElectionCount.of(before, List.of(change(0, OptionalInt.of(2), Optional.empty()))))
                .isEqualTo(new ElectionCount(1, 0));
    }

    @Test
    void shouldCountALeaderFromOutsideTheIsrAsUnclean() {
        assertThat(ElectionCount.of(before, List.of(
                change(0, OptionalInt.of(3), Optional.of(LeaderRecoveryState.RECOVERING)),
                change(1, OptionalInt.of(2), Optional.empty()))))
                .isEqualTo(new ElectionCount(2, 1));
    }

    @Test
    void shouldCountNothingForNoLeaderAnIsrChangeOrANewPartition() {
        assertThat(ElectionCount.of(before, List.of(
                change(0, OptionalInt.of(ClusterImage.NO_LEADER), Optional.empty()),
                new ClusterRecord.PartitionChange(ClusterImages.TOPIC_ID, 1, Optional.of(List.of(1)), OptionalInt.empty(),
                        Optional.empty(), Optional.empty()),
                new ClusterRecord.Partition(ClusterImages.TOPIC_ID, 3, List.of(1, 2, 3), List.of(1, 2, 3), 1,
                        LeaderRecoveryState.RECOVERED, 0, 0))))
                .isEqualTo(new ElectionCount(0, 0));
    }

    private static ClusterRecord change(int partition, OptionalInt leader, Optional<LeaderRecoveryState> recovery) {
        return new ClusterRecord.PartitionChange(ClusterImages.TOPIC_ID, partition,
                recovery.isPresent() ? Optional.of(List.of(leader.getAsInt())) : Optional.empty(), leader,
                Optional.empty(), recovery);
    }
}
