package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.coordinator.GroupsSnapshot;
import io.surety.broker.coordinator.GroupsSnapshot.Committed;
import io.surety.broker.metrics.GroupStats;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BrokerGaugesTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition GONE_0 = new TopicPartition("gone", 0);

    @Test
    void shouldGiveHighWatermarkMinusCommittedOffsetWhenComputingLag() {
        GroupsSnapshot snapshot = new GroupsSnapshot(List.of(new Committed("billing", ORDERS_0, 70),
                new Committed("billing", ORDERS_1, 12), new Committed("audit", ORDERS_0, 100)), Map.of("billing", 3));

        GroupStats stats = BrokerGauges.stats(snapshot, tp -> tp.equals(ORDERS_0) ? 100 : 12);

        assertThat(stats.lags()).containsExactlyInAnyOrder(
                new GroupStats.Lag("billing", "orders", 0, 70, 30),
                new GroupStats.Lag("billing", "orders", 1, 12, 0),
                new GroupStats.Lag("audit", "orders", 0, 100, 0));
        assertThat(stats.members()).containsExactlyEntriesOf(Map.of("billing", 3));
    }

    @Test
    void shouldLeaveOutPartitionsThatNoLongerExistAndNeverGoBelowZeroWhenOffsetsAreStale() {
        GroupsSnapshot snapshot = new GroupsSnapshot(List.of(new Committed("billing", GONE_0, 5),
                new Committed("billing", ORDERS_0, 150)), Map.of());

        GroupStats stats = BrokerGauges.stats(snapshot, tp -> tp.equals(GONE_0) ? -1 : 100);

        assertThat(stats.lags()).containsExactly(new GroupStats.Lag("billing", "orders", 0, 150, 0));
    }
}
