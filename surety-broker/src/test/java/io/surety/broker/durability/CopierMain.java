package io.surety.broker.durability;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A consume-transform-produce copier run as a child process by {@link ExactlyOnceCrashIT}: reads
 * the input topic read_committed in a group, and for each poll writes every record to the same
 * partition of the output topic and commits the consumed offsets inside the same transaction
 * ({@code sendOffsetsToTransaction(offsets, consumer.groupMetadata())}). It is killed with
 * {@code kill -9} at random moments; on any error it exits and is started again. Prints
 * {@code COMMITTED <records>} after each commit. Arguments: bootstrap input output group transactionalId.
 */
public final class CopierMain {

    private CopierMain() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String input = args[1];
        String output = args[2];
        String group = args[3];
        String transactionalId = args[4];
        Map<String, Object> producerConfig = Map.of("bootstrap.servers", bootstrap, "transactional.id", transactionalId,
                "acks", "all", "linger.ms", 5, "transaction.timeout.ms", 10_000, "delivery.timeout.ms", 30_000,
                "request.timeout.ms", 10_000, "max.block.ms", 30_000);
        Map<String, Object> consumerConfig = Map.of("bootstrap.servers", bootstrap, "group.id", group,
                "isolation.level", "read_committed", "enable.auto.commit", false, "auto.offset.reset", "earliest",
                "max.poll.records", 200, "session.timeout.ms", 6_000, "heartbeat.interval.ms", 500);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer());
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                        new StringDeserializer())) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            System.out.println("STARTED");
            System.out.flush();
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, String> record : records) {
                    producer.send(new ProducerRecord<>(output, record.partition(), record.key(), record.value()));
                    offsets.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
                System.out.println("COMMITTED " + records.count());
                System.out.flush();
            }
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
    }
}
