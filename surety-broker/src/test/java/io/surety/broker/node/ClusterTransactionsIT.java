package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.RawKafkaConnection;
import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.harness.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Transactions across brokers (three nodes, replication factor 3, min.insync.replicas 2), with
 * the official clients: a transaction writing to partitions led by all three brokers commits
 * (read_committed reads every record) and aborts (read_committed reads none, read_uncommitted
 * reads them all); 200 back-to-back transactions, every third aborted, leave exactly the committed
 * ones to a read_committed consumer; and when a partition's leader dies after the transaction's
 * data was acknowledged and before its commit marker is written — before the commit is prepared,
 * or once it is prepared and the marker cannot reach the leader — the marker lands on the new
 * leader: nothing of the transaction is lost, nothing aborted is visible. Every leader, the
 * coordinator's node or not, refuses a transactional batch its coordinator does not know of
 * (KIP-890 verification, asked of the coordinator with AddPartitionsToTxn verify-only). Only a
 * partition's leader takes a marker sent as WriteTxnMarkers ({@code Admin.abortTransaction}
 * included), and it fences markers of an older coordinator epoch than the last it took.
 */
class ClusterTransactionsIT {

    private static final String TOPIC = "txn";
    /** Partition p is led by broker p + 1 when the topic is created (first replica of each assignment). */
    private static final Map<Integer, List<Integer>> ASSIGNMENT = Map.of(0, List.of(1, 2, 3), 1, List.of(2, 3, 1),
            2, List.of(3, 1, 2));
    private static final int PARTITIONS = ASSIGNMENT.size();
    private static final int BACK_TO_BACK = 200;

    @Test
    void shouldCommitAndAbortATransactionSpanningLeadersOnEveryBroker() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000)) {
            createTopic(cluster);
            try (KafkaProducer<String, String> producer = transactional(cluster, "spanning")) {
                producer.initTransactions();
                producer.beginTransaction();
                sendToEveryPartition(producer, "committed", 10);
                producer.commitTransaction();
                producer.beginTransaction();
                sendToEveryPartition(producer, "aborted", 10);
                producer.flush();
                producer.abortTransaction();
            }

            List<String> committed = readAll(cluster, "read_committed");
            List<String> uncommitted = readAll(cluster, "read_uncommitted");

            assertThat(committed).hasSize(PARTITIONS * 10).allMatch(v -> v.startsWith("committed"))
                    .doesNotHaveDuplicates();
            assertThat(uncommitted).hasSize(PARTITIONS * 20).filteredOn(v -> v.startsWith("aborted"))
                    .hasSize(PARTITIONS * 10);
        }
    }

    @Test
    void shouldShowExactlyTheCommittedOnesOfManyBackToBackTransactions() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000)) {
            createTopic(cluster);
            Set<String> expected = new HashSet<>();
            long startNs = System.nanoTime();
            try (KafkaProducer<String, String> producer = transactional(cluster, "back-to-back")) {
                producer.initTransactions();
                for (int txn = 0; txn < BACK_TO_BACK; txn++) {
                    producer.beginTransaction();
                    List<String> values = sendToEveryPartition(producer, "t" + txn, 2);
                    if (txn % 3 == 2) {
                        producer.flush();
                        producer.abortTransaction();
                    } else {
                        producer.commitTransaction();
                        expected.addAll(values);
                    }
                }
            }
            System.out.printf("%d transactions over %d leaders in %d ms%n", BACK_TO_BACK, PARTITIONS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));

            List<String> committed = readAll(cluster, "read_committed");

            assertThat(committed).doesNotHaveDuplicates();
            assertThat(new HashSet<>(committed)).isEqualTo(expected);
        }
    }

    @Test
    void shouldWriteTheCommitMarkerOnTheNewLeaderWhenTheLeaderDiesBeforeIt() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 2000)) {
            createTopic(cluster);
            Set<String> expected = new HashSet<>();
            try (KafkaProducer<String, String> producer = transactional(cluster, "failover")) {
                producer.initTransactions();
                producer.beginTransaction();
                expected.addAll(sendToEveryPartition(producer, "before", 5));
                producer.commitTransaction();

                producer.beginTransaction();
                expected.addAll(sendToEveryPartition(producer, "during", 5));
                producer.flush();
                // Partition 2's leader, not the coordinator (node 1): its data is acknowledged by the whole
                // ISR, its marker not written yet. The coordinator prepares the commit while it is dead.
                assertThat(ClusterFixtures.state(cluster, 1, TOPIC, 2).leader()).isEqualTo(3);
                cluster.halt(3);
                producer.commitTransaction();

                producer.beginTransaction();
                sendToEveryPartition(producer, "aborted", 5);
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                expected.addAll(sendToEveryPartition(producer, "after", 5));
                producer.commitTransaction();
            }
            assertThat(ClusterFixtures.state(cluster, 1, TOPIC, 2).leader()).isIn(1, 2);

            List<String> committed = readAll(cluster, "read_committed");

            assertThat(committed).doesNotHaveDuplicates().noneMatch(v -> v.startsWith("aborted"));
            assertThat(new HashSet<>(committed)).isEqualTo(expected);
        }
    }

    @Test
    void shouldWriteTheCommitMarkerOnTheNewLeaderWhenTheLeaderDiesAfterPrepareCommit() throws Exception {
        Map<Integer, FaultProxy> proxies = new ConcurrentHashMap<>();
        SuretyCluster.Builder builder = SuretyCluster.builder().nodes(3).config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "2000").config("replica.lag.time.max.ms", "120000")
                .interBrokerListener((nodeId, boundPort) -> {
                    FaultProxy proxy = FaultProxy.builder("127.0.0.1", boundPort).name("inter-broker-" + nodeId).start();
                    proxies.put(nodeId, proxy);
                    return proxy.address();
                });
        try (SuretyCluster cluster = builder.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
            createTopic(cluster);
            Set<String> expected = new HashSet<>();
            try (KafkaProducer<String, String> producer = transactional(cluster, "prepared")) {
                producer.initTransactions();
                producer.beginTransaction();
                expected.addAll(sendToEveryPartition(producer, "prepared", 5));
                producer.flush();
                // Node 3, partition 2's leader, is cut from its peers: the commit is prepared, its marker
                // for partition 2 cannot reach node 3, and node 3 dies before it does.
                proxies.get(3).blackHole();
                CompletableFuture<Void> commit = CompletableFuture.runAsync(producer::commitTransaction);
                await().atMost(30, TimeUnit.SECONDS).until(() -> admin.describeTransactions(List.of("prepared")).all()
                        .get(10, TimeUnit.SECONDS).get("prepared").state() == TransactionState.PREPARE_COMMIT);
                assertThat(commit).isNotDone();
                cluster.halt(3);
                proxies.get(3).heal();
                proxies.get(3).resetAll();
                commit.get(60, TimeUnit.SECONDS);

                producer.beginTransaction();
                sendToEveryPartition(producer, "aborted", 5);
                producer.flush();
                producer.abortTransaction();
            } finally {
                proxies.values().forEach(FaultProxy::close);
            }
            assertThat(ClusterFixtures.state(cluster, 1, TOPIC, 2).leader()).isIn(1, 2);

            List<String> committed = readAll(cluster, "read_committed");

            assertThat(committed).doesNotHaveDuplicates().noneMatch(v -> v.startsWith("aborted"));
            assertThat(new HashSet<>(committed)).isEqualTo(expected);
        }
    }

    @Test
    void shouldRefuseOnEveryLeaderABatchTheCoordinatorDoesNotKnow() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000)) {
            createTopic(cluster);
            try (KafkaProducer<String, String> producer = transactional(cluster, "known");
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                         cluster.bootstrapServers()))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, 0, "k", "in the transaction"));
                producer.flush();
                TransactionDescription known = admin.describeTransactions(List.of("known")).all()
                        .get(30, TimeUnit.SECONDS).get("known");

                for (int p = 0; p < PARTITIONS; p++) {
                    int leader = p + 1;
                    assertThat(produceRaw(cluster, leader, p, "ghost", 4242L, (short) 0))
                            .as("unknown transactional id on partition %d, led by node %d", p, leader)
                            .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
                }
                for (int p = 1; p < PARTITIONS; p++) {
                    assertThat(produceRaw(cluster, p + 1, p, "known", known.producerId(), (short) known.producerEpoch()))
                            .as("partition %d, not added to the transaction, led by node %d", p, p + 1)
                            .isEqualTo(Errors.TRANSACTION_ABORTABLE);
                }
                producer.abortTransaction();
            }
            assertThat(readAll(cluster, "read_uncommitted")).containsExactly("in the transaction");
        }
    }

    @Test
    void shouldTakeMarkersOnlyOnTheLeaderAndFenceOlderCoordinatorEpochs() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000)) {
            createTopic(cluster);
            TopicPartition onNode2 = new TopicPartition(TOPIC, 1);
            try (KafkaProducer<String, String> producer = transactional(cluster, "hanging");
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                         cluster.bootstrapServers()))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, 1, "k", "left open"));
                producer.flush();
                ProducerState open = admin.describeProducers(List.of(onNode2)).partitionResult(onNode2)
                        .get(30, TimeUnit.SECONDS).activeProducers().get(0);
                assertThat(endOffset(cluster, onNode2, "read_committed"))
                        .isLessThan(endOffset(cluster, onNode2, "read_uncommitted"));

                // What kafka-transactions abort does: WriteTxnMarkers to the partition's leader, node 2.
                admin.abortTransaction(new AbortTransactionSpec(onNode2, open.producerId(), (short) open.producerEpoch(),
                        open.coordinatorEpoch().orElse(0))).all().get(30, TimeUnit.SECONDS);
                assertThat(endOffset(cluster, onNode2, "read_committed"))
                        .isEqualTo(endOffset(cluster, onNode2, "read_uncommitted"));
                producer.abortTransaction();
            }

            assertThat(writeMarker(cluster, 1, onNode2, 999L, 7)).as("node 1 follows the partition")
                    .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(writeMarker(cluster, 2, onNode2, 999L, 7)).isEqualTo(Errors.NONE);
            assertThat(writeMarker(cluster, 2, onNode2, 999L, 6)).isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
            assertThat(writeMarker(cluster, 2, onNode2, 998L, 6)).as("another producer").isEqualTo(Errors.NONE);
            assertThat(writeMarker(cluster, 2, onNode2, 999L, 7)).isEqualTo(Errors.NONE);
            assertThat(readAll(cluster, "read_committed")).isEmpty();
        }
    }

    /** Creates the topic with one leader per broker and waits until every leader serves its partition. */
    private static void createTopic(SuretyCluster cluster) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, new HashMap<>(ASSIGNMENT))
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> {
                for (int p = 0; p < PARTITIONS; p++) {
                    assertThat(ClusterFixtures.state(cluster, 1, TOPIC, p).leader()).isEqualTo(p + 1);
                    assertThat(ClusterFixtures.state(cluster, 1, TOPIC, p).isr()).hasSize(3);
                }
                admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            });
        }
        Set<Integer> leaders = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            leaders.add(ClusterFixtures.state(cluster, 1, TOPIC, p).leader());
        }
        assertThat(leaders).containsExactlyInAnyOrder(1, 2, 3);
    }

    /** Sends an ABORT marker of {@code producerId} (epoch 0) for {@code tp} straight to node {@code node}; returns its error. */
    private static Errors writeMarker(SuretyCluster cluster, int node, TopicPartition tp, long producerId,
            int coordinatorEpoch) throws Exception {
        WriteTxnMarkersRequestData request = new WriteTxnMarkersRequestData();
        WriteTxnMarkersRequestData.WritableTxnMarker marker = new WriteTxnMarkersRequestData.WritableTxnMarker()
                .setProducerId(producerId).setProducerEpoch((short) 0).setTransactionResult(false)
                .setCoordinatorEpoch(coordinatorEpoch);
        marker.topics().add(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName(tp.topic())
                .setPartitionIndexes(new ArrayList<>(List.of(tp.partition()))));
        request.markers().add(marker);
        try (RawKafkaConnection connection = RawKafkaConnection.open(cluster.node(node).orElseThrow().port())) {
            WriteTxnMarkersResponseData response = connection.call(ApiKeys.WRITE_TXN_MARKERS, (short) 1, request);
            return Errors.forCode(response.markers().get(0).topics().get(0).partitions().get(0).errorCode());
        }
    }

    /** The end offset of {@code tp} a consumer of {@code isolation} sees: the last stable offset or the high watermark. */
    private static long endOffset(SuretyCluster cluster, TopicPartition tp, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            return consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        }
    }

    /** Sends one transactional record for partition {@code partition} straight to node {@code node}; returns its error. */
    private static Errors produceRaw(SuretyCluster cluster, int node, int partition, String transactionalId,
            long producerId, short producerEpoch) throws Exception {
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch, 0,
                new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "raw".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
                .setTransactionalId(transactionalId);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records));
        request.topicData().add(topic);
        try (RawKafkaConnection connection = RawKafkaConnection.open(cluster.node(node).orElseThrow().port())) {
            ProduceResponseData response = connection.call(ApiKeys.PRODUCE, (short) 11, request);
            return Errors.forCode(response.responses().iterator().next().partitionResponses().get(0).errorCode());
        }
    }

    private static KafkaProducer<String, String> transactional(SuretyCluster cluster, String transactionalId) {
        return ClusterFixtures.producer(cluster, "all", ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
    }

    /** Sends {@code perPartition} records to every partition; returns their values. */
    private static List<String> sendToEveryPartition(KafkaProducer<String, String> producer, String prefix,
            int perPartition) {
        List<String> values = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < perPartition; i++) {
                String value = prefix + "-p" + p + "-" + i;
                producer.send(new ProducerRecord<>(TOPIC, p, "k", value));
                values.add(value);
            }
        }
        return values;
    }

    /** Every value of the topic a consumer of {@code isolation} reads up to the end it sees. */
    private static List<String> readAll(SuretyCluster cluster, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("read up to %s within a minute", ends).isLessThan(deadlineNs);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
