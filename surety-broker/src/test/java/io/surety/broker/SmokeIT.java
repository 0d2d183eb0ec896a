package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

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

class SmokeIT {

    @Test
    void shouldRoundTripRecordsWhenProducedAndConsumed() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().tempDataDir().start()) {
            Map<String, Object> p = Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 5);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 1000; i++) {
                    producer.send(new ProducerRecord<>("smoke", "k" + i, "v" + i));
                }
                producer.flush();
            }
            Map<String, Object> c = Map.of("bootstrap.servers", broker.bootstrapServers(), "auto.offset.reset", "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.assign(List.of(new TopicPartition("smoke", 0)));
                consumer.seekToBeginning(List.of(new TopicPartition("smoke", 0)));
                List<ConsumerRecord<String, String>> got = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 20_000;
                while (got.size() < 1000 && System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                }
                assertThat(got).hasSize(1000);
                assertThat(got.get(999).value()).isEqualTo("v999");
                assertThat(got.get(999).offset()).isEqualTo(999);
            }
        }
    }
}
