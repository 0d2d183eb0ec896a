package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.KafkaToolMain;
import io.surety.broker.SuretyCluster;
import io.surety.broker.partition.Partition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a partition between brokers of three in-process nodes with Kafka's own
 * {@code kafka-reassign-partitions} under a running acks=all producer: the new replica catches up
 * and joins the ISR, the reassignment completes, the old replica's directory is removed, and every
 * acknowledged record is there. A reassignment to a stopped broker stays listed as adding it until
 * it is cancelled, which reverts it.
 */
class ReassignPartitionsIT {

    private static final String TOPIC = "moving";

    @AfterEach
    void releaseExit() {
        Exit.resetExitProcedure();
    }

    @Test
    void shouldMoveAPartitionWithKafkasToolWhileAnAcksAllProducerRuns(@TempDir Path work) throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 6000);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
             KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2)))
                    .configs(Map.of("file.delete.delay.ms", "100")))).all().get(30, TimeUnit.SECONDS);
            Path node1Replica = cluster.node(1).orElseThrow().dataDir().resolve(TOPIC + "-0");
            await().atMost(30, TimeUnit.SECONDS).until(() -> Files.isDirectory(node1Replica));

            ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread producing = new Thread(() -> produce(producer, stop, acknowledged, failures), "acks-all-producer");
            producing.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> acknowledged.size() >= 200);

            Path plan = work.resolve("reassignment.json");
            Files.writeString(plan, "{\"version\":1,\"partitions\":[{\"topic\":\"" + TOPIC
                    + "\",\"partition\":0,\"replicas\":[2,3],\"log_dirs\":[\"any\",\"any\"]}]}", StandardCharsets.UTF_8);
            String bootstrap = cluster.bootstrapServers();
            String executed = KafkaToolMain.run(ReassignPartitionsCommand::main, "--bootstrap-server", bootstrap,
                    "--reassignment-json-file", plan.toString(), "--execute");
            assertThat(executed).contains("Successfully started partition reassignment");

            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> KafkaToolMain.run(
                    ReassignPartitionsCommand::main, "--bootstrap-server", bootstrap, "--reassignment-json-file",
                    plan.toString(), "--verify").contains("Reassignment of partition " + TOPIC + "-0 is completed"));
            int atCompletion = acknowledged.size();
            await().atMost(30, TimeUnit.SECONDS).until(() -> acknowledged.size() >= atCompletion + 200);
            stop.set(true);
            producing.join(TimeUnit.SECONDS.toMillis(150));
            assertThat(failures).as("sends that failed").isEmpty();

            TopicPartitionInfo moved = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC)
                    .partitions().get(0);
            assertThat(moved.replicas()).extracting(Node::id).containsExactly(2, 3);
            assertThat(moved.isr()).extracting(Node::id).containsExactlyInAnyOrder(2, 3);
            assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty();

            List<String> read = ClusterFixtures.readAll(cluster, tp);
            assertThat(read).as("every acknowledged record").containsAll(acknowledged).doesNotHaveDuplicates();
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                Partition node3 = ClusterFixtures.replica(cluster, 3, tp);
                assertThat(node3).as("node 3's replica").isNotNull();
                assertThat(node3.log().logEndOffset()).as("node 3's replica holds every record")
                        .isGreaterThanOrEqualTo(read.size());
            });
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(ClusterFixtures.replica(cluster, 1, tp)).as("node 1's replica is closed").isNull();
                assertThat(node1Replica).as("node 1's replica directory").doesNotExist();
                try (var left = Files.list(node1Replica.getParent())) {
                    assertThat(left.map(p -> p.getFileName().toString()))
                            .noneMatch(name -> name.startsWith(TOPIC + "-0."));
                }
            });
        }
    }

    @Test
    void shouldListAReassignmentToAStoppedBrokerUntilItIsCancelled() throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 6000);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.node(1).orElseThrow().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2))))).all().get(30, TimeUnit.SECONDS);
            cluster.halt(3);

            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 3)))))
                    .all().get(30, TimeUnit.SECONDS);

            PartitionReassignment listed = admin.listPartitionReassignments().reassignments().get().get(tp);
            assertThat(listed).as("listed while node 3 cannot catch up").isNotNull();
            assertThat(listed.replicas()).containsExactly(1, 3, 2);
            assertThat(listed.addingReplicas()).containsExactly(3);
            assertThat(listed.removingReplicas()).containsExactly(2);

            assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(tp,
                    Optional.of(new NewPartitionReassignment(List.of(1, 9))))).all().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidReplicaAssignmentException.class);
            assertThat(admin.listPartitionReassignments().reassignments().get().get(tp).addingReplicas())
                    .as("a refused change leaves the reassignment as it was").containsExactly(3);

            admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get(30, TimeUnit.SECONDS);

            assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty();
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(admin.describeTopics(List.of(TOPIC))
                    .allTopicNames().get().get(TOPIC).partitions().get(0).replicas()).extracting(Node::id)
                    .containsExactly(1, 2));
            assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoReassignmentInProgressException.class);
        }
    }

    /** Sends numbered values one at a time until told to stop, noting each acknowledged one. */
    private static void produce(KafkaProducer<String, String> producer, AtomicBoolean stop,
            ConcurrentLinkedQueue<String> acknowledged, ConcurrentLinkedQueue<Exception> failures) {
        for (int i = 0; !stop.get(); i++) {
            String value = "v-" + i;
            try {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, value)).get();
                acknowledged.add(value);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                failures.add(e);
            }
        }
    }
}
