package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions with the real kafka-clients against an in-process broker: the seeds' transactional
 * producer, read_committed isolation and the last stable offset, zombie fencing, timeouts,
 * consume-transform-produce with offsets in the transaction.
 */
class TransactionsIT {

    private static SuretyBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = SuretyBroker.builder().tempDataDir()
                .config("num.partitions", "3")
                .config("group.initial.rebalance.delay.ms", "0")
                .config("transaction.abort.timed.out.transaction.cleanup.interval.ms", "200")
                .config("transaction.max.timeout.ms", "600000")
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static Properties producerProps(String bootstrap, String transactionalId) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        if (transactionalId != null) {
            props.put("transactional.id", transactionalId);
        }
        props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        return props;
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, IsolationLevel isolation, String group) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", isolation.toString());
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        if (group != null) {
            props.put("group.id", group);
        }
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /** Every value in {@code topic}'s partitions up to their current end for this isolation level. */
    static List<String> readAll(String bootstrap, String topic, int partitions, IsolationLevel isolation) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, isolation, null)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            List<String> out = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    out.add(r.value());
                }
                return tps.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
            return out;
        }
    }

    @Test
    void shouldRunTheSeedsTransactionalProducerExampleUnchanged() {
        // The code example of the exactly-once section, with only bootstrap.servers pointed at Surety.
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("acks", "all");
        props.put("enable.idempotence", "true"); // Enable idempotence
        props.put("transactional.id", "my-transactional-id"); // Set transactional ID
        props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");

        KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        producer.initTransactions();

        try {
            producer.beginTransaction();
            ProducerRecord<String, String> record = new ProducerRecord<>("topic", "key", "value");
            producer.send(record);
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            // Fatal errors, cannot recover
            producer.close();
        } catch (KafkaException e) {
            // Abort transaction and retry
            producer.abortTransaction();
        }
        producer.close();

        assertThat(readAll(broker.bootstrapServers(), "topic", 3, IsolationLevel.READ_COMMITTED)).containsExactly("value");
    }

    @Test
    void shouldHideAbortedTransactionsFromReadCommittedConsumersOnly() {
        String topic = "aborts";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker.bootstrapServers(), "abort-tx"))) {
            producer.initTransactions();
            for (int i = 0; i < 6; i++) {
                producer.beginTransaction();
                for (int j = 0; j < 5; j++) {
                    producer.send(new ProducerRecord<>(topic, Integer.toString(j), "t" + i + "-" + j));
                }
                producer.flush();
                if (i % 2 == 0) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }
        List<String> committed = readAll(broker.bootstrapServers(), topic, 3, IsolationLevel.READ_COMMITTED);
        List<String> uncommitted = readAll(broker.bootstrapServers(), topic, 3, IsolationLevel.READ_UNCOMMITTED);
        assertThat(committed).hasSize(15).allMatch(v -> v.startsWith("t0") || v.startsWith("t2") || v.startsWith("t4"));
        assertThat(uncommitted).hasSize(30);
    }

    @Test
    void shouldNotServeBeyondTheLastStableOffsetWhileATransactionIsOpen() throws Exception {
        String topic = "lso";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> txn = new KafkaProducer<>(producerProps(broker.bootstrapServers(), "lso-tx"));
                KafkaProducer<String, String> plain = new KafkaProducer<>(producerProps(broker.bootstrapServers(), null));
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            plain.send(new ProducerRecord<>(topic, 0, "k", "before")).get();
            txn.initTransactions();
            txn.beginTransaction();
            txn.send(new ProducerRecord<>(topic, 0, "k", "in-txn-1")).get();
            plain.send(new ProducerRecord<>(topic, 0, "k", "interleaved")).get();
            txn.send(new ProducerRecord<>(topic, 0, "k", "in-txn-2")).get();

            assertThat(latest(admin, tp, IsolationLevel.READ_COMMITTED)).isEqualTo(1);
            assertThat(latest(admin, tp, IsolationLevel.READ_UNCOMMITTED)).isEqualTo(4);
            try (KafkaConsumer<String, String> consumer = consumer(broker.bootstrapServers(), IsolationLevel.READ_COMMITTED, null)) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<String> seen = new ArrayList<>();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                    return consumer.position(tp) == 1;
                });
                for (int i = 0; i < 5; i++) {
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                }
                assertThat(seen).containsExactly("before");
                assertThat(consumer.position(tp)).isEqualTo(1);

                txn.commitTransaction();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                    return seen.size() == 4;
                });
                assertThat(seen).containsExactly("before", "in-txn-1", "interleaved", "in-txn-2");
            }
            assertThat(latest(admin, tp, IsolationLevel.READ_COMMITTED)).isEqualTo(5);
        }
    }

    private static long latest(Admin admin, TopicPartition tp, IsolationLevel isolation) throws Exception {
        ListOffsetsResult result = admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation));
        return result.partitionResult(tp).get().offset();
    }

    @Test
    void shouldFenceTheOlderProducerWhenASecondOneInitialisesTheSameTransactionalId() throws Exception {
        String topic = "zombies";
        KafkaProducer<String, String> zombie = new KafkaProducer<>(producerProps(broker.bootstrapServers(), "fenced-tx"));
        zombie.initTransactions();
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>(topic, 0, "k", "zombie-1")).get();
        try (KafkaProducer<String, String> successor = new KafkaProducer<>(producerProps(broker.bootstrapServers(), "fenced-tx"))) {
            successor.initTransactions();
            successor.beginTransaction();
            successor.send(new ProducerRecord<>(topic, 0, "k", "successor")).get();
            successor.commitTransaction();

            assertThatThrownBy(() -> {
                zombie.send(new ProducerRecord<>(topic, 0, "k", "zombie-2")).get();
                zombie.commitTransaction();
            }).satisfies(e -> assertThat(e).isInstanceOfAny(ProducerFencedException.class, ExecutionException.class,
                    KafkaException.class));
        } finally {
            zombie.close(Duration.ofSeconds(5));
        }
        assertThat(readAll(broker.bootstrapServers(), topic, 3, IsolationLevel.READ_COMMITTED)).containsExactly("successor");
    }

    @Test
    void shouldAbortATransactionLeftOpenPastItsTimeout() throws Exception {
        String topic = "timeouts";
        Properties props = producerProps(broker.bootstrapServers(), "slow-tx");
        props.put("transaction.timeout.ms", "1000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "k", "abandoned")).get();
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.describeTransactions(List.of("slow-tx"))
                    .description("slow-tx").get().state() == TransactionState.COMPLETE_ABORT);
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
            TopicPartition tp = new TopicPartition(topic, 0);
            assertThat(latest(admin, tp, IsolationLevel.READ_COMMITTED)).isEqualTo(latest(admin, tp, IsolationLevel.READ_UNCOMMITTED));
        }
        assertThat(readAll(broker.bootstrapServers(), topic, 3, IsolationLevel.READ_COMMITTED)).isEmpty();
    }

    @Test
    void shouldRefuseATransactionTimeoutAboveTheMaximum() {
        Properties props = producerProps(broker.bootstrapServers(), "too-long-tx");
        props.put("transaction.timeout.ms", "700000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            // kafka-clients reports INVALID_TRANSACTION_TIMEOUT from InitProducerId as a plain KafkaException.
            assertThatThrownBy(producer::initTransactions).isInstanceOf(KafkaException.class)
                    .hasMessageContaining("transaction timeout is larger than the maximum");
        }
    }

    @Test
    void shouldCommitConsumedOffsetsOnlyWithTheTransaction() throws Exception {
        String input = "ctp-in";
        String output = "ctp-out";
        String group = "ctp-group";
        try (KafkaProducer<String, String> seed = new KafkaProducer<>(producerProps(broker.bootstrapServers(), null))) {
            for (int i = 0; i < 30; i++) {
                seed.send(new ProducerRecord<>(input, i % 3, "k", "in-" + i));
            }
            seed.flush();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker.bootstrapServers(), "ctp-tx"));
                KafkaConsumer<String, String> consumer = consumer(broker.bootstrapServers(), IsolationLevel.READ_COMMITTED, group);
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            int copied = 0;
            boolean aborted = false;
            while (copied < 30) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(output, r.partition(), r.key(), r.value().replace("in-", "out-")));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                if (!aborted) {
                    aborted = true;
                    producer.abortTransaction();
                    assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()).isEmpty();
                    for (TopicPartition tp : records.partitions()) {
                        consumer.seek(tp, records.records(tp).get(0).offset());
                    }
                    continue;
                }
                producer.commitTransaction();
                copied += records.count();
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(30);
        }
        List<String> out = readAll(broker.bootstrapServers(), output, 3, IsolationLevel.READ_COMMITTED);
        assertThat(out).hasSize(30).doesNotHaveDuplicates();
    }

    @Test
    void shouldListAndDescribeTransactionsWithTheAdminClient() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker.bootstrapServers(), "listed-tx"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("listed", 1, "k", "v")).get();
            TransactionDescription description = admin.describeTransactions(List.of("listed-tx")).description("listed-tx").get();
            assertThat(description.state()).isEqualTo(TransactionState.ONGOING);
            assertThat(description.topicPartitions()).containsExactly(new TopicPartition("listed", 1));
            assertThat(admin.listTransactions().all().get()).extracting(TransactionListing::transactionalId)
                    .contains("listed-tx");
            var producers = admin.describeProducers(List.of(new TopicPartition("listed", 1))).all().get()
                    .get(new TopicPartition("listed", 1)).activeProducers();
            assertThat(producers).singleElement().satisfies(p -> assertThat(p.currentTransactionStartOffset()).hasValue(0));
            producer.commitTransaction();
            assertThat(admin.describeTransactions(List.of("listed-tx")).description("listed-tx").get().state())
                    .isEqualTo(TransactionState.COMPLETE_COMMIT);
        }
    }
}
