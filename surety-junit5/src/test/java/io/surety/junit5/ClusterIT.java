package io.surety.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Three nodes from one annotation: the topic is replicated on all of them, and the test kills the
 * partition's leader and brings it back without losing an acknowledged record.
 */
@SuretyTest(nodes = 3, topics = "replicated", config = {"broker.session.timeout.ms=3000",
        "broker.heartbeat.interval.ms=500"})
class ClusterIT {

    @BootstrapServers
    String bootstrapServers;
    Admin admin;
    SuretyCluster cluster;

    @Test
    void shouldKillAndRestartTheLeaderInsideATest() throws Exception {
        assertThat(partition().replicas()).hasSize(3);
        List<String> before = IntStream.range(0, 10).mapToObj(i -> "before-" + i).toList();
        Records.produce(bootstrapServers, "replicated", before);

        int leader = partition().leader().id();
        cluster.halt(leader);
        await().atMost(Duration.ofSeconds(30)).until(() -> partition().leader() != null && partition().leader().id() != leader);
        List<String> after = IntStream.range(0, 10).mapToObj(i -> "after-" + i).toList();
        Records.produce(bootstrapServers, "replicated", after);

        cluster.restart(leader);
        await().atMost(Duration.ofSeconds(60)).until(() -> partition().isr().size() == 3);
        List<String> all = new java.util.ArrayList<>(before);
        all.addAll(after);
        assertThat(Records.read(bootstrapServers, "replicated", 20)).containsExactlyElementsOf(all);
    }

    private TopicPartitionInfo partition() throws Exception {
        TopicDescription topic = admin.describeTopics(Set.of("replicated")).allTopicNames().get().get("replicated");
        return topic.partitions().get(0);
    }
}
