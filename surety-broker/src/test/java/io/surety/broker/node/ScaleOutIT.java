package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.KafkaToolMain;
import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaling out: a broker-only node joins a running cluster of three, and Kafka's own
 * {@code kafka-reassign-partitions} ({@code --generate}, {@code --execute}, {@code --verify})
 * moves a six-partition topic from brokers {1,2,3} onto {2,3,4} while an acks=all producer and a
 * consumer group run. Nothing acknowledged is lost, the group reads every record, and node 1
 * keeps no data of the topic.
 */
class ScaleOutIT {

    private static final String TOPIC = "scaling";
    private static final int PARTITIONS = 6;
    private static final String GROUP = "scaling-readers";

    @AfterEach
    void releaseExit() {
        Exit.resetExitProcedure();
    }

    @Test
    void shouldMoveATopicOntoABrokerThatJoinedTheRunningClusterWhileClientsRun(@TempDir Path work) throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 6000, "group.initial.rebalance.delay.ms", "0");
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
             KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all",
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("file.delete.delay.ms", "100", "min.insync.replicas", "2"))))
                    .all().get(30, TimeUnit.SECONDS);

            Map<Integer, ConcurrentLinkedQueue<String>> acknowledged = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
            Set<String> consumed = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            // The consumer stops only once the producer has: it reads up to the end offsets it sees then,
            // which count every acknowledged record only if no send is still waiting for its answer.
            AtomicBoolean produced = new AtomicBoolean();
            Thread producing = new Thread(() -> produce(producer, stop, acknowledged, failures), "acks-all-producer");
            Thread consuming = new Thread(() -> consume(cluster, produced, consumed, failures), "group-consumer");
            producing.start();
            consuming.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> acknowledgedCount(acknowledged) >= 300);

            long addedNs = System.nanoTime();
            int added = cluster.addBroker();
            assertThat(added).isEqualTo(4);
            await("node 4 joined").atMost(60, TimeUnit.SECONDS)
                    .until(() -> cluster.node(4).map(SuretyBroker::isReady).orElse(false));
            long joinedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - addedNs);
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id)
                    .containsExactlyInAnyOrder(1, 2, 3, 4);
            await("node 4 described as an observer of the metadata quorum").atMost(30, TimeUnit.SECONDS)
                    .untilAsserted(() -> {
                        QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
                        assertThat(quorum.voters()).extracting(QuorumInfo.ReplicaState::replicaId)
                                .containsExactlyInAnyOrder(1, 2, 3);
                        assertThat(quorum.observers()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactly(4);
                    });

            Path topics = work.resolve("topics.json");
            Files.writeString(topics, "{\"version\":1,\"topics\":[{\"topic\":\"" + TOPIC + "\"}]}", StandardCharsets.UTF_8);
            String bootstrap = cluster.bootstrapServers();
            String generated = KafkaToolMain.run(ReassignPartitionsCommand::main, "--bootstrap-server", bootstrap,
                    "--topics-to-move-json-file", topics.toString(), "--broker-list", "2,3,4", "--generate");
            Path plan = work.resolve("reassignment.json");
            Files.writeString(plan, proposal(generated), StandardCharsets.UTF_8);
            String executed = KafkaToolMain.run(ReassignPartitionsCommand::main, "--bootstrap-server", bootstrap,
                    "--reassignment-json-file", plan.toString(), "--execute");
            assertThat(executed).contains("Successfully started partition reassignment");
            long executedNs = System.nanoTime();

            String[] verified = new String[1];
            await("--verify reports every move completed").atMost(120, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        verified[0] = KafkaToolMain.run(ReassignPartitionsCommand::main, "--bootstrap-server", bootstrap,
                                "--reassignment-json-file", plan.toString(), "--verify");
                        return Stream.iterate(0, p -> p + 1).limit(PARTITIONS).allMatch(p -> verified[0].contains(
                                "Reassignment of partition " + TOPIC + "-" + p + " is completed"));
                    });
            long movedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - executedNs);
            int atCompletion = acknowledgedCount(acknowledged);
            await().atMost(30, TimeUnit.SECONDS).until(() -> acknowledgedCount(acknowledged) >= atCompletion + 300);
            stop.set(true);
            producing.join(TimeUnit.SECONDS.toMillis(150));
            assertThat(producing.isAlive()).as("the producer stopped").isFalse();
            produced.set(true);
            consuming.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(failures).as("sends or polls that failed").isEmpty();

            TopicDescription moved = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
            for (TopicPartitionInfo partition : moved.partitions()) {
                assertThat(partition.replicas()).as("replicas of partition %d", partition.partition())
                        .extracting(Node::id).containsExactlyInAnyOrder(2, 3, 4);
                assertThat(partition.isr()).as("ISR of partition %d", partition.partition())
                        .extracting(Node::id).containsExactlyInAnyOrder(2, 3, 4);
            }
            assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty();

            List<String> everyAcknowledged = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                List<String> read = ClusterFixtures.readAll(cluster, new TopicPartition(TOPIC, p));
                ConcurrentLinkedQueue<String> sent = acknowledged.getOrDefault(p, new ConcurrentLinkedQueue<>());
                assertThat(read).as("partition %d holds every acknowledged record, once", p)
                        .containsAll(sent).doesNotHaveDuplicates();
                everyAcknowledged.addAll(sent);
            }
            assertThat(consumed).as("what the group read").containsAll(everyAcknowledged);
            System.out.printf("[scale-out] node 4 ready %d ms after it was added; %d partitions moved in %d ms (to"
                    + " --verify); %d records acknowledged, all read back and consumed%n", joinedMs, PARTITIONS, movedMs,
                    everyAcknowledged.size());

            Path node1 = cluster.node(1).orElseThrow().dataDir();
            await("node 1 dropped its replicas").atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                try (Stream<Path> left = Files.list(node1)) {
                    assertThat(left.map(path -> path.getFileName().toString()))
                            .noneMatch(name -> name.startsWith(TOPIC + "-"));
                }
            });
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(ClusterFixtures.replica(cluster, 4, new TopicPartition(TOPIC, p)))
                        .as("node 4's replica of partition %d", p).isNotNull();
            }
        }
    }

    /** The JSON after "Proposed partition reassignment configuration" in {@code --generate}'s output. */
    private static String proposal(String generated) {
        String marker = "Proposed partition reassignment configuration";
        int at = generated.indexOf(marker);
        assertThat(at).as("--generate printed a proposal:%n%s", generated).isNotNegative();
        String json = generated.substring(at + marker.length()).trim().lines().findFirst().orElseThrow();
        assertThat(json).startsWith("{").contains("\"" + TOPIC + "\"");
        return json;
    }

    private static int acknowledgedCount(Map<Integer, ConcurrentLinkedQueue<String>> acknowledged) {
        return acknowledged.values().stream().mapToInt(ConcurrentLinkedQueue::size).sum();
    }

    /** Sends numbered values one at a time, round the partitions, until told to stop, noting each acknowledged one. */
    private static void produce(KafkaProducer<String, String> producer, AtomicBoolean stop,
            Map<Integer, ConcurrentLinkedQueue<String>> acknowledged, ConcurrentLinkedQueue<Exception> failures) {
        for (int i = 0; !stop.get(); i++) {
            int partition = i % PARTITIONS;
            String value = "v-" + i;
            try {
                producer.send(new ProducerRecord<>(TOPIC, partition, null, value)).get();
                acknowledged.computeIfAbsent(partition, p -> new ConcurrentLinkedQueue<>()).add(value);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                failures.add(e);
            }
        }
    }

    /**
     * One member of {@value #GROUP}, committing after processing, until {@code produced} says the
     * producer stopped; then it reads on until it has caught up with the end of every partition.
     */
    private static void consume(SuretyCluster cluster, AtomicBoolean produced, Set<String> consumed,
            ConcurrentLinkedQueue<Exception> failures) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(TOPIC));
            boolean caughtUp = false;
            while (!caughtUp) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    consumed.add(record.value());
                }
                consumer.commitSync();
                if (produced.get()) {
                    Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
                    caughtUp = assigned.size() == PARTITIONS && consumer.endOffsets(assigned).entrySet().stream()
                            .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
                }
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
