package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import io.surety.broker.log.FsyncLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A broker that stopped right after a transaction's PrepareCommit became durable — before any
 * marker was written — completes the commit when it starts again: the markers are written from
 * the journal's decision, the data becomes visible to read_committed consumers, and the
 * transaction ends in CompleteCommit. The stop point is made exact by appending the PrepareCommit
 * record to the journal by hand, as the coordinator would have, while the broker is down.
 */
class PreparedTransactionRecoveryIT {

    @Test
    void shouldWriteTheMarkersOfAPreparedCommitWhenTheBrokerStartsAgain() throws Exception {
        Path dataDir = Files.createTempDirectory("surety-prepared-");
        TopicPartition tp = new TopicPartition("prepared", 0);
        KafkaProducer<String, String> producer;
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir).config("num.partitions", "1").start()) {
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "transactional.id", "prepared-tx", "max.block.ms", 5_000), new StringSerializer(), new StringSerializer());
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "k", "v" + i)).get();
            }
        }
        producer.close(Duration.ZERO);

        List<CoordinatorRecord> records = new ArrayList<>();
        try (CoordinatorJournal journal = CoordinatorJournal.open(dataDir, FsyncLedger.NONE, records::addAll)) {
            TransactionSnapshot ongoing = records.stream().filter(r -> r instanceof TransactionSnapshot)
                    .map(r -> (TransactionSnapshot) r).reduce((a, b) -> b).orElseThrow();
            assertThat(ongoing.status()).isEqualTo(TransactionStatus.ONGOING);
            journal.append(List.of(new TransactionSnapshot(ongoing.transactionalId(), ongoing.producerId(),
                    ongoing.previousProducerId(), ongoing.producerEpoch(), ongoing.lastProducerEpoch(), ongoing.timeoutMs(),
                    TransactionStatus.PREPARE_COMMIT, ongoing.partitions(), ongoing.groups(), ongoing.startTimestampMs(),
                    ongoing.updateTimestampMs())));
            journal.flush();
        }

        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir).start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                        broker.bootstrapServers(), "isolation.level", "read_committed"), new StringDeserializer(),
                        new StringDeserializer())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.describeTransactions(List.of("prepared-tx"))
                    .description("prepared-tx").get().state() == TransactionState.COMPLETE_COMMIT);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                return values.size() >= 3;
            });
            assertThat(values).containsExactly("v0", "v1", "v2");
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).as("three records and one marker").isEqualTo(4);
        }
        try (var files = Files.walk(dataDir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
