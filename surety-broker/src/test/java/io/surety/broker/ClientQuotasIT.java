package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kafka.admin.ConfigCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client quotas as Kafka enforces them: set with Kafka's own {@code kafka-configs --entity-type
 * clients} (AlterClientQuotas) and described back, a producer whose client id has
 * {@code producer_byte_rate=1000000} is held within 10 % of 1 MB/s over 20 s once its first window
 * has passed, with every record acknowledged and the throttle time in its own metrics, while the
 * same producer under another client id goes past 3 MB/s. The quota survives a restart.
 */
class ClientQuotasIT {

    private static final String TOPIC = "quota-topic";
    private static final int RECORD_BYTES = 1024;

    @AfterEach
    void resetExit() {
        Exit.resetExitProcedure();
    }

    /** Sends as fast as the broker lets it for {@code seconds}; the bytes acknowledged in the last {@code measured} of them. */
    private static long[] produce(SuretyBroker broker, String clientId, int seconds, int measured, List<Double> throttle)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A small buffer: a throttled producer's send blocks on it, and little is left to flush at the end.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 1024 * 1024);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        byte[] value = new byte[RECORD_BYTES];
        long measuredFrom;
        long acknowledgedAtStart;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long startNs = System.nanoTime();
            long measureFromNs = startNs + TimeUnit.SECONDS.toNanos(seconds - measured);
            long endNs = startNs + TimeUnit.SECONDS.toNanos(seconds);
            measuredFrom = 0;
            acknowledgedAtStart = -1;
            while (System.nanoTime() < endNs) {
                if (acknowledgedAtStart < 0 && System.nanoTime() >= measureFromNs) {
                    acknowledgedAtStart = acknowledged.get();
                    measuredFrom = System.nanoTime();
                }
                producer.send(new ProducerRecord<>(TOPIC, value), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.addAndGet(RECORD_BYTES);
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
            long measuredBytes = acknowledged.get() - acknowledgedAtStart;
            long measuredNs = System.nanoTime() - measuredFrom;
            producer.flush();
            producer.metrics().forEach((MetricName name, org.apache.kafka.common.Metric metric) -> {
                if (name.name().equals("produce-throttle-time-max") && name.group().equals("producer-metrics")) {
                    throttle.add((Double) metric.metricValue());
                }
            });
            assertThat(failed.get()).as("records that failed (%s)", clientId).isZero();
            return new long[] {measuredBytes, measuredNs};
        }
    }

    private static double megabytesPerSecond(long[] measured) {
        return measured[0] / 1e6 / (measured[1] / 1e9);
    }

    @Test
    void shouldHoldAProducerToItsByteRateQuotaWithNothingLost(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(data).start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            KafkaToolMain.run(ConfigCommand::main, "--bootstrap-server", broker.bootstrapServers(), "--alter",
                    "--add-config", "producer_byte_rate=1000000", "--entity-type", "clients", "--entity-name", "limited");
            String described = KafkaToolMain.run(ConfigCommand::main, "--bootstrap-server", broker.bootstrapServers(),
                    "--describe", "--entity-type", "clients", "--entity-name", "limited");
            assertThat(described).contains("producer_byte_rate=1000000.0");

            List<Double> unlimitedThrottle = new java.util.ArrayList<>();
            double unlimited = megabytesPerSecond(produce(broker, "unlimited", 4, 3, unlimitedThrottle));
            assertThat(unlimited).as("MB/s without a quota").isGreaterThan(3);

            List<Double> throttle = new java.util.ArrayList<>();
            double limited = megabytesPerSecond(produce(broker, "limited", 32, 20, throttle));
            System.out.printf("ClientQuotasIT: %.2f MB/s without a quota, %.3f MB/s under 1 MB/s%n", unlimited, limited);
            assertThat(limited).as("MB/s under producer_byte_rate=1000000 (unlimited: %.1f)", unlimited)
                    .isCloseTo(1.0, within(0.1));
            assertThat(throttle).as("the producer's produce-throttle-time-max").anyMatch(ms -> ms > 0);
            assertThat(io.surety.broker.metrics.PrometheusText.scrape(broker.metrics().registry()).sum(
                    "surety_client_quota_throttled_total", "quota", "producer_byte_rate", "user", "", "client_id", "limited"))
                    .as("throttled answers counted for the quota's entity").isPositive();
        }
    }

    @Test
    void shouldThrottleAConsumerOverItsByteRateAndDeliverEverything(@TempDir Path data) throws Exception {
        int records = 12 * 1024;
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(data).start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Properties producerProps = new Properties();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < records; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, new byte[RECORD_BYTES]));
                }
            }
            // 1 MB/s: past the first window's allowance (about 10 MB), the 12 MB backlog is throttled.
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(
                    ClientQuotaEntity.CLIENT_ID, "slow-reader")), List.of(new ClientQuotaAlteration.Op(
                    "consumer_byte_rate", 1_000_000.0))))).all().get(30, TimeUnit.SECONDS);
            Properties consumerProps = new Properties();
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "slow-reader");
            int received = 0;
            double throttleMax = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition(TOPIC, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (received < records && System.nanoTime() < deadlineNs) {
                    received += consumer.poll(Duration.ofMillis(500)).count();
                }
                for (var metric : consumer.metrics().entrySet()) {
                    if (metric.getKey().name().equals("fetch-throttle-time-max")) {
                        throttleMax = Math.max(throttleMax, (Double) metric.getValue().metricValue());
                    }
                }
            }
            assertThat(received).as("every record delivered").isEqualTo(records);
            assertThat(throttleMax).as("the consumer's fetch-throttle-time-max").isPositive();
            assertThat(io.surety.broker.metrics.PrometheusText.scrape(broker.metrics().registry()).sum(
                    "surety_client_quota_throttled_total", "quota", "consumer_byte_rate", "client_id", "slow-reader"))
                    .isPositive();
        }
    }

    @Test
    void shouldKeepQuotasThroughARestartAndDescribeThemWithAdmin(@TempDir Path data) throws Exception {
        ClientQuotaEntity alice = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alice"));
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(data).start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(alice, List.of(
                    new ClientQuotaAlteration.Op("consumer_byte_rate", 2048.0))))).all().get(30, TimeUnit.SECONDS);
        }
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(data).start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(30, TimeUnit.SECONDS))
                    .isEqualTo(Map.of(alice, Map.of("consumer_byte_rate", 2048.0)));
        }
    }
}
