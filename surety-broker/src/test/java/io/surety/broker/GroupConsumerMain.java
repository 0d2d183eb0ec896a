package io.surety.broker;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A group consumer run as a child process by the group ITs, so a test can kill it with
 * {@code kill -9} (its heartbeats stop without a LeaveGroup). Prints {@code OWNED <partitions>}
 * whenever its assignment changes and {@code RECORD <value>} for every record, committing after
 * each poll. Arguments: bootstrap topic group protocol assignor.
 */
public final class GroupConsumerMain {

    private GroupConsumerMain() {
    }

    public static void main(String[] args) {
        GroupMember.Settings settings = new GroupMember.Settings(args[0], args[1], args[2], args[3], args[4]);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings.properties(),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(settings.topic()));
            Set<Integer> owned = Set.of();
            System.out.println("STARTED");
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                Set<Integer> now = new TreeSet<>();
                for (TopicPartition tp : consumer.assignment()) {
                    now.add(tp.partition());
                }
                if (!now.equals(owned)) {
                    owned = now;
                    System.out.println("OWNED " + owned);
                }
                for (ConsumerRecord<String, String> record : records) {
                    System.out.println("RECORD " + record.value());
                }
                if (!records.isEmpty()) {
                    try {
                        consumer.commitSync();
                    } catch (RuntimeException e) {
                        System.out.println("COMMIT-FAILED " + e);
                    }
                }
                System.out.flush();
            }
        }
    }
}
