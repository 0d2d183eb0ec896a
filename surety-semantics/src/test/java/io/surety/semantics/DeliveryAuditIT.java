package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.SuretyBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit on a real run against an in-process Surety broker: stamped records go through the real
 * producer, broker and consumer, and the audit's figures must equal what the test knows it did.
 */
class DeliveryAuditIT {

    private static final int PARTITIONS = 3;

    private SuretyBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = SuretyBroker.builder().tempDataDir().start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void shouldCountExactlyTheRecordsLeftOutAndSentTwice() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String topic = "audited";
        BrokerProbe.createTopic(broker.bootstrapServers(), topic, PARTITIONS);
        AuditStamper stamper = AuditStamper.forSource("it-producer");
        Set<Long> leftOut = new HashSet<>();
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        int resent = 0;
        try (Producer<String, String> producer = Guarantee.AT_LEAST_ONCE.newProducer(
                Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 5),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3000; i++) {
                ProducerRecord<String, String> record = stamper.stamp(new ProducerRecord<>(topic, "key-" + i, "v" + i));
                if (random.nextInt(40) == 0) {
                    leftOut.add(stamper.nextSequence() - 1);
                    continue;
                }
                acks.add(producer.send(record));
                if (random.nextInt(50) == 0) {
                    acks.add(producer.send(record));
                    resent++;
                }
            }
            producer.flush();
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
        int sent = 3000 - leftOut.size() + resent;
        DeliveryAudit audit = DeliveryAudit.expectingFromZero();
        readAll(topic, sent, audit::record);

        SourceFigures figures = audit.snapshot().source("it-producer").orElseThrow();
        String why = "seed " + seed;
        assertThat(figures.received()).as(why).isEqualTo(sent);
        assertThat(figures.duplicates()).as(why).isEqualTo(resent);
        assertThat(figures.reordered()).as(why).isZero();
        assertThat(figures.missingBelow(stamper.nextSequence())).as(why).isEqualTo(leftOut.size());
        assertThat(figures.partitions()).as(why).hasSize(PARTITIONS);
    }

    @Test
    void shouldMatchTheTruthOnAnAcksZeroRun() throws Exception {
        String topic = "fire-and-forget";
        BrokerProbe.createTopic(broker.bootstrapServers(), topic, PARTITIONS);
        AuditStamper stamper = AuditStamper.forSource("acks0");
        try (Producer<String, String> producer = Guarantee.AT_MOST_ONCE.newProducer(
                Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 2000; i++) {
                producer.send(stamper.stamp(new ProducerRecord<>(topic, "key-" + i, "v" + i)));
            }
            producer.flush();
        }
        DeliveryAudit audit = DeliveryAudit.expectingFromZero();
        Set<String> distinct = new HashSet<>();
        List<String> all = new ArrayList<>();
        // acks=0: what arrived is only known by reading; read until the log ends, then compare.
        readAll(topic, -1, record -> {
            audit.record(record);
            String sequence = new String(record.headers().lastHeader(AuditStamper.SEQUENCE_HEADER).value());
            distinct.add(sequence);
            all.add(sequence);
        });
        SourceFigures figures = audit.snapshot().source("acks0").orElseThrow();
        assertThat(figures.missingBelow(stamper.nextSequence())).isEqualTo(stamper.nextSequence() - distinct.size());
        assertThat(figures.duplicates()).isEqualTo(all.size() - distinct.size());
        assertThat(figures.received()).isEqualTo(all.size());
    }

    /** Reads every partition from the start with assign() (no group), until {@code expected} records or the end. */
    private void readAll(String topic, int expected, java.util.function.Consumer<ConsumerRecord<String, String>> sink) {
        Map<String, Object> settings = Map.of("bootstrap.servers", broker.bootstrapServers(),
                "auto.offset.reset", "earliest", "enable.auto.commit", false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + BrokerProbe.timeout().toNanos();
            int read = 0;
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    sink.accept(record);
                    read++;
                }
                boolean atEnd = partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
                if ((expected >= 0 && read >= expected) || (expected < 0 && atEnd)) {
                    break;
                }
            }
            if (expected >= 0) {
                assertThat(read).as("records read").isEqualTo(expected);
            }
        }
    }
}
