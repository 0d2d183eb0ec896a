package io.surety.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * A group member run as a child JVM by {@link GroupCompatIT}, to be killed with {@code kill -9}:
 * the at-least-once loop of {@link GroupMember}, reporting on stdout instead of to a queue.
 *
 * <p>Prints {@code STARTED} once subscribed, {@code OWNED [p, ...]} whenever its partitions
 * change, and {@code RECORD <partition> <offset> <value>} for every record before committing the
 * poll. Arguments: those of {@link GroupSettings#args}.
 */
public final class GroupConsumerMain {

    private GroupConsumerMain() {
    }

    public static void main(String[] args) {
        GroupSettings settings = GroupSettings.fromArgs(args, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer()) {
            consumer.subscribe(List.of(settings.topic()));
            System.out.println("STARTED");
            Set<Integer> owned = Set.of();
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                Set<Integer> now = new TreeSet<>();
                for (TopicPartition partition : consumer.assignment()) {
                    now.add(partition.partition());
                }
                if (!now.equals(owned)) {
                    owned = now;
                    System.out.println("OWNED " + owned);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    System.out.println("RECORD " + record.partition() + " " + record.offset() + " "
                            + new String(record.value(), StandardCharsets.UTF_8));
                }
                if (!records.isEmpty()) {
                    try {
                        consumer.commitSync();
                    } catch (KafkaException e) {
                        System.out.println("COMMIT-FAILED " + e);
                    }
                }
            }
        }
    }
}
