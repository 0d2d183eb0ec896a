package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.surety.junit5.BootstrapServers;
import io.surety.junit5.SuretyTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** How a user tests Kafka code with Surety: one annotation, no broker setup. */
@SuretyTest(topics = "orders", partitions = 3, wipeAfterEach = true)
class OrdersTest {

    @BootstrapServers
    String bootstrapServers;
    Admin admin;

    @Test
    void shouldReadBackEveryOrderItSent() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("orders", "customer-" + i % 3, "order-" + i)).get();
            }
        }

        List<String> orders = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "billing",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("orders"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (orders.size() < 10 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    orders.add(record.value());
                }
            }
        }
        assertEquals(10, orders.size());
    }

    @Test
    void shouldHaveTheTopicWithThreePartitions() throws Exception {
        int partitions = admin.describeTopics(Set.of("orders")).allTopicNames().get().get("orders").partitions().size();
        assertEquals(3, partitions);
    }
}
