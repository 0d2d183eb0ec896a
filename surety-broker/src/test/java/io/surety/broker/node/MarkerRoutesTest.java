package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.replication.BrokerEndpoint;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Where a transaction's markers go: the partitions this node leads stay here, the others are
 * grouped per leader at its inter-broker endpoint, a leaderless partition or a leader without
 * that listener waits for newer metadata, and a deleted topic's partitions are dropped.
 */
class MarkerRoutesTest {

    private static TopicPartition t(int partition) {
        return new TopicPartition("t", partition);
    }

    private static ClusterImage threeBrokers(ClusterImages images, int... leaders) {
        for (int id = 1; id <= 3; id++) {
            images.register(id);
            images.unfence(id);
        }
        return images.topic(List.of(1, 2, 3), leaders);
    }

    @Test
    void shouldKeepLocalPartitionsHereAndBatchTheOthersPerLeader() {
        ClusterImage image = threeBrokers(new ClusterImages(), 1, 2, 3, 2, 1);

        MarkerRoutes routes = MarkerRoutes.of(image, 1, "PLAINTEXT", List.of(t(0), t(1), t(2), t(3), t(4)));

        assertThat(routes.local()).containsExactly(t(0), t(4));
        assertThat(routes.remote()).containsExactly(
                Map.entry(new BrokerEndpoint(2, "h", 9092), List.of(t(1), t(3))),
                Map.entry(new BrokerEndpoint(3, "h", 9092), List.of(t(2))));
        assertThat(routes.waiting()).isEmpty();
        assertThat(routes.gone()).isEmpty();
    }

    @Test
    void shouldWaitForALeaderAndDropPartitionsOfDeletedTopics() {
        ClusterImage image = threeBrokers(new ClusterImages(), 2, -1);

        MarkerRoutes routes = MarkerRoutes.of(image, 1, "PLAINTEXT",
                List.of(t(0), t(1), t(7), new TopicPartition("deleted", 0)));

        assertThat(routes.local()).isEmpty();
        assertThat(routes.remote()).containsOnlyKeys(new BrokerEndpoint(2, "h", 9092));
        assertThat(routes.waiting()).containsExactly(t(1));
        assertThat(routes.gone()).containsExactly(t(7), new TopicPartition("deleted", 0));
    }

    @Test
    void shouldWaitWhenTheLeaderHasNoInterBrokerEndpoint() {
        ClusterImage image = threeBrokers(new ClusterImages(), 3);

        MarkerRoutes routes = MarkerRoutes.of(image, 1, "REPLICATION", List.of(t(0)));

        assertThat(routes.remote()).isEmpty();
        assertThat(routes.waiting()).containsExactly(t(0));
    }
}
