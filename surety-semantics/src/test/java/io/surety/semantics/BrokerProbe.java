package io.surety.semantics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Asks a running broker what it serves, so that broker-backed tests of consumer groups and
 * transactions run as soon as the broker supports them, and are reported as skipped (with the
 * reason) until then.
 */
final class BrokerProbe {

    private BrokerProbe() {
    }

    /** Empty if the broker serves consumer-group offsets (FindCoordinator, OffsetFetch); else why not. */
    static String groupsMissing(String bootstrap) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 10_000,
                "default.api.timeout.ms", 15_000))) {
            admin.listConsumerGroupOffsets("surety-semantics-probe").partitionsToOffsetAndMetadata()
                    .get(20, TimeUnit.SECONDS);
            return "";
        } catch (Exception e) {
            return "the broker does not serve consumer groups yet: " + rootMessage(e);
        }
    }

    /** Empty if the broker serves transactions (the transaction coordinator); else why not. */
    static String transactionsMissing(String bootstrap) {
        Map<String, Object> settings = Map.of("bootstrap.servers", bootstrap, "transactional.id", "surety-semantics-probe",
                "max.block.ms", 15_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new StringSerializer())) {
            producer.initTransactions();
            return "";
        } catch (RuntimeException e) {
            return "the broker does not serve transactions yet: " + rootMessage(e);
        }
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Reads every partition of {@code topic} from the start with assign() (no group) until each
     * position reaches the end offset seen at the start, or {@link #timeout()} passes; hands each
     * record to {@code sink}. Returns whether the end was reached.
     */
    static boolean readToEnd(String bootstrap, String topic, int partitions, Map<String, Object> extraSettings,
            java.util.function.Consumer<ConsumerRecord<String, String>> sink) {
        Map<String, Object> settings = new java.util.HashMap<>(extraSettings);
        settings.put("bootstrap.servers", bootstrap);
        settings.put("auto.offset.reset", "earliest");
        settings.put("enable.auto.commit", false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> assigned = new java.util.ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + timeout().toNanos();
            while (!assigned.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                consumer.poll(Duration.ofMillis(200)).forEach(sink);
            }
            return true;
        }
    }

    static Duration timeout() {
        return Duration.ofSeconds(60);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
