package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.surety.broker.metrics.PrometheusText;
import io.surety.harness.FreePorts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Scrapes {@code /metrics} while the real clients produce and consume, and checks that the series
 * say what the test did: records in, bytes in equal to the log's size, offsets, a group's member
 * count while it consumes and its lag once its consumer has stopped, request and error counts,
 * fsync group commits, connections, and the JVM series.
 */
class MetricsIT {

    private static final String TOPIC = "metrics-it";
    private static final String GROUP = "metrics-it-group";
    private static final int READ_BEFORE_STOP = 600;
    private static final int PRODUCED_AFTER_STOP = 250;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shouldReportWhatClientsDidWhenScrapedDuringAProduceConsumeRun() throws Exception {
        int metricsPort = FreePorts.find();
        ch.qos.logback.classic.Logger requestLog = (ch.qos.logback.classic.Logger) LoggerFactory
                .getLogger("io.surety.broker.requests");
        requestLog.setLevel(Level.DEBUG);
        try (SuretyBroker broker = SuretyBroker.builder().tempDataDir()
                .config("metrics.port", Integer.toString(metricsPort))
                .config("num.partitions", "2")
                .config("group.initial.rebalance.delay.ms", "0").start();
                LogCapture requests = LogCapture.attach("io.surety.broker.requests", true);
                LogCapture connections = LogCapture.attach("io.surety.broker.network.connections", false)) {
            assertThat(MetricsEndpoint.status(metricsPort, "/health")).isEqualTo(200);
            assertThat(MetricsEndpoint.status(metricsPort, "/ready")).isEqualTo(200);

            produce(broker, 0, READ_BEFORE_STOP);
            consumeAndCommitThenStop(broker, metricsPort);
            produce(broker, READ_BEFORE_STOP, PRODUCED_AFTER_STOP);
            deleteATopicThatDoesNotExist(broker);

            int total = READ_BEFORE_STOP + PRODUCED_AFTER_STOP;
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                PrometheusText after = MetricsEndpoint.scrape(metricsPort);
                assertThat(after.sum("surety_group_lag", "group", GROUP, "topic", TOPIC))
                        .as("lag after the consumer stopped = records produced since").isEqualTo(PRODUCED_AFTER_STOP);
                assertThat(after.value("surety_group_members", "group", GROUP)).hasValue(0);
            });
            PrometheusText after = MetricsEndpoint.scrape(metricsPort);
            assertTopicAndPartitions(after, total);
            assertRequestsAndErrors(after);
            assertFsyncAndConnections(after);
            assertThat(after.find("jvm_memory_used_bytes")).isNotEmpty();
            assertThat(after.find("jvm_gc_collection_seconds_count")).isNotEmpty();
            assertThat(after.find("process_cpu_seconds_total")).isNotEmpty();
            assertThat(after.value("surety_transactions_open")).hasValue(0);

            assertThat(requests.keptOthers()).anyMatch(line -> line.contains("Produce v")
                    && line.contains("correlation-id=") && line.contains(" ms, error NONE"));
            assertThat(requests.keptOthers()).anyMatch(line -> line.contains("DeleteTopics v6")
                    && line.contains("error UNKNOWN_TOPIC_OR_PARTITION"));
            assertThat(connections.keptOthers()).anyMatch(line -> line.contains("Connection opened from")
                    && line.contains("on listener PLAINTEXT"));
            assertThat(connections.keptOthers()).anyMatch(line -> line.contains("closed by the client ("));
        } finally {
            requestLog.setLevel(null);
        }
    }

    private static void assertTopicAndPartitions(PrometheusText scrape, int total) {
        assertThat(scrape.value("surety_topic_records_in_total", "topic", TOPIC)).hasValue(total);
        double bytesIn = scrape.value("surety_topic_bytes_in_total", "topic", TOPIC).orElseThrow();
        assertThat(scrape.sum("surety_partition_log_size_bytes", "topic", TOPIC))
                .as("every accepted batch is in the log, byte for byte").isEqualTo(bytesIn);
        assertThat(scrape.value("surety_topic_batches_in_total", "topic", TOPIC).orElseThrow()).isBetween(1.0,
                (double) total);
        assertThat(scrape.sum("surety_partition_log_end_offset", "topic", TOPIC)).isEqualTo(total);
        assertThat(scrape.sum("surety_partition_high_watermark", "topic", TOPIC)).isEqualTo(total);
        assertThat(scrape.sum("surety_partition_log_start_offset", "topic", TOPIC)).isZero();
        assertThat(scrape.value("surety_topic_bytes_out_total", "topic", TOPIC).orElseThrow()).isPositive();
        assertThat(scrape.value("surety_topic_fetch_requests_total", "topic", TOPIC).orElseThrow()).isPositive();
        assertThat(scrape.value("surety_producer_ids")).as("two idempotent producers, each on both partitions")
                .hasValue(4);
    }

    private static void assertRequestsAndErrors(PrometheusText scrape) {
        double produces = scrape.value("surety_requests_total", "api", "Produce").orElseThrow();
        assertThat(produces).isPositive();
        assertThat(scrape.value("surety_request_latency_seconds_count", "api", "Produce")).hasValue(produces);
        assertThat(scrape.value("surety_request_latency_seconds_bucket", "api", "Produce", "le", "+Inf"))
                .hasValue(produces);
        assertThat(scrape.value("surety_requests_total", "api", "Fetch").orElseThrow()).isPositive();
        assertThat(scrape.value("surety_requests_total", "api", "OffsetCommit").orElseThrow()).isPositive();
        assertThat(scrape.value("surety_requests_total", "api", "JoinGroup").orElseThrow()).isPositive();
        assertThat(scrape.value("surety_request_errors_total", "api", "DeleteTopics", "error",
                "UNKNOWN_TOPIC_OR_PARTITION")).hasValue(1);
        assertThat(scrape.find("surety_request_errors_total", "api", "Produce")).as("no produce failed").isEmpty();
    }

    private static void assertFsyncAndConnections(PrometheusText scrape) {
        double batches = scrape.sum("surety_topic_batches_in_total");
        assertThat(scrape.value("surety_fsync_batch_size_sum").orElseThrow())
                .as("every acknowledged batch waited for an fsync").isGreaterThanOrEqualTo(batches);
        double fsyncs = scrape.value("surety_fsync_latency_seconds_count").orElseThrow();
        assertThat(fsyncs).isPositive().isEqualTo(scrape.value("surety_fsync_batch_size_count").orElseThrow());
        assertThat(scrape.value("surety_connections_opened_total").orElseThrow()).isGreaterThanOrEqualTo(3);
        assertThat(scrape.value("surety_connections_active").orElseThrow()).isGreaterThanOrEqualTo(0);
    }

    private static void produce(SuretyBroker broker, int from, int count) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all",
                "linger.ms", 5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i));
            }
            producer.flush();
        }
    }

    /** Reads every record produced so far in the group, commits, checks the live series, and stops. */
    private static void consumeAndCommitThenStop(SuretyBroker broker, int metricsPort) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", GROUP,
                "auto.offset.reset", "earliest", "enable.auto.commit", false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            int[] read = {0};
            Awaitility.await().atMost(WAIT).until(() -> {
                read[0] += consumer.poll(Duration.ofMillis(100)).count();
                return read[0] >= READ_BEFORE_STOP;
            });
            assertThat(read[0]).isEqualTo(READ_BEFORE_STOP);
            consumer.commitSync();

            PrometheusText during = MetricsEndpoint.scrape(metricsPort);
            assertThat(during.value("surety_group_members", "group", GROUP)).hasValue(1);
            assertThat(during.sum("surety_group_lag", "group", GROUP)).isZero();
            assertThat(during.value("surety_topic_records_in_total", "topic", TOPIC)).hasValue(READ_BEFORE_STOP);
            assertThat(during.value("surety_topic_bytes_out_total", "topic", TOPIC).orElseThrow())
                    .as("the consumer was sent every batch at least once")
                    .isGreaterThanOrEqualTo(during.value("surety_topic_bytes_in_total", "topic", TOPIC).orElseThrow());
        }
    }

    private static void deleteATopicThatDoesNotExist(SuretyBroker broker) throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs(5_000)
                    .setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState().setName("no-such-topic")));
            DeleteTopicsResponseData response = connection.call(ApiKeys.DELETE_TOPICS, (short) 6, request);
            assertThat(response.responses().iterator().next().errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }
}
