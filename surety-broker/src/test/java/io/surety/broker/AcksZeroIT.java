package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** acks=0 records must reach consumers even when nothing acknowledged is produced after them. */
class AcksZeroIT {

    private static final int RECORDS = 500;

    @Test
    void shouldMakeRecordsVisibleWhenOnlyAcksZeroIsProducedUnderFsyncPolicy() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().tempDataDir().config("flush.policy", "fsync").start()) {
            Map<String, Object> p = Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "0",
                    "enable.idempotence", false, "linger.ms", 5);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>("acks-zero", 0, "k" + i, "v" + i));
                }
                producer.flush();
            }
            TopicPartition partition = new TopicPartition("acks-zero", 0);
            Map<String, Object> c = Map.of("bootstrap.servers", broker.bootstrapServers(), "auto.offset.reset", "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.assign(List.of(partition));
                List<ConsumerRecord<String, String>> got = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            consumer.poll(Duration.ofMillis(100)).forEach(got::add);
                            return got.size() >= RECORDS;
                        });
                assertThat(got).hasSize(RECORDS);
                for (int i = 0; i < RECORDS; i++) {
                    assertThat(got.get(i).offset()).isEqualTo(i);
                    assertThat(got.get(i).value()).isEqualTo("v" + i);
                }
                assertThat(consumer.endOffsets(List.of(partition))).containsEntry(partition, (long) RECORDS);
            }
        }
    }
}
