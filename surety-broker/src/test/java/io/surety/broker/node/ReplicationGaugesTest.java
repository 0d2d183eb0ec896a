package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.metrics.ControllerStats;
import io.surety.broker.metrics.ReplicationStats;
import io.surety.broker.partition.LeaderSnapshot;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplicationGaugesTest {

    @Test
    void shouldReportLagPerFollowerAndUnderReplicationWhenAFollowerLeftTheIsr() {
        LeaderSnapshot snapshot = new LeaderSnapshot(List.of(1, 2, 3), List.of(1, 2), 2, 10, 50,
                Map.of(3, 30L, 2, 50L));

        ReplicationStats stats = ReplicationGauges.stats(new TopicPartition("t", 4), snapshot);

        assertThat(stats).isEqualTo(new ReplicationStats("t", 4, 3, 2, true, false,
                List.of(new ReplicationStats.FollowerLag(2, 0), new ReplicationStats.FollowerLag(3, 20))));
    }

    @Test
    void shouldCountLeaderlessPartitionsAndFencedBrokersOnlyOnTheActiveController() {
        ClusterImages images = new ClusterImages();
        images.register(1);
        images.register(2);
        images.unfence(1);
        images.topic(List.of(1), 1, -1, -1);

        assertThat(ReplicationGauges.controller(true, images.image())).isEqualTo(new ControllerStats(true, 2, 1));
        assertThat(ReplicationGauges.controller(false, images.image())).isEqualTo(ControllerStats.INACTIVE);
    }
}
