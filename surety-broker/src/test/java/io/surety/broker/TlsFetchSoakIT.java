package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 MiB read over TLS while segments roll and retention deletes the old ones: under TLS fetch
 * data leaves in 32 KiB chunks read from the segment files instead of by sendfile, so this is where
 * a chunk that outlives its segment, or a buffer never released, would show. Two consumers read the
 * same partition at once, each checking every record's checksum and order; the producer stays at
 * most 24 MiB ahead of the slower one, so retention (16 MiB) removes only what both have read.
 * Netty's paranoid leak detection is on in every test run; any leak report fails this test.
 */
class TlsFetchSoakIT {

    private static final String PASSWORD = "tls-test-secret";
    private static final int RECORD_BYTES = 256 * 1024;
    private static final int RECORDS = 800;
    private static final long AHEAD_LIMIT = 24L * 1024 * 1024 / RECORD_BYTES;
    private static final String TOPIC = "tls-soak";

    @TempDir
    static Path keys;

    @BeforeAll
    static void makeKeystores() throws Exception {
        Keytool.selfSigned(keys.resolve("server.p12"), "server", "localhost", PASSWORD);
        Keytool.trust(keys.resolve("server.p12"), "server", keys.resolve("client-trust.p12"), PASSWORD);
    }

    private static Map<String, Object> client(SuretyBroker broker) {
        Map<String, Object> tls = Keytool.clientTls(keys.resolve("client-trust.p12"), null, PASSWORD);
        tls.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + broker.port("SSL"));
        return tls;
    }

    /** Record {@code index}: its index, then bytes derived from it, then the CRC32C of what comes before. */
    private static byte[] payload(int index) {
        ByteBuffer buffer = ByteBuffer.allocate(RECORD_BYTES);
        buffer.putInt(index);
        while (buffer.remaining() > 4) {
            buffer.put((byte) (index * 31 + buffer.position()));
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, RECORD_BYTES - 4);
        buffer.putInt((int) crc.getValue());
        return buffer.array();
    }

    private static int check(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        assertThat(value).hasSize(RECORD_BYTES);
        CRC32C crc = new CRC32C();
        crc.update(value, 0, RECORD_BYTES - 4);
        assertThat(buffer.getInt(RECORD_BYTES - 4)).as("checksum of record %d", buffer.getInt(0)).isEqualTo((int) crc.getValue());
        return buffer.getInt(0);
    }

    @Test
    void shouldRead200MibOverTlsAcrossSegmentRollsAndRetentionWithoutALeak(@TempDir Path data) throws Exception {
        LogCapture leaks = LogCapture.attach("io.netty.util.ResourceLeakDetector", false);
        try (leaks; SuretyBroker broker = SuretyBroker.builder().dataDir(data).configs(Map.of(
                        "listeners", "SSL://127.0.0.1:0",
                        "ssl.keystore.location", keys.resolve("server.p12").toString(),
                        "ssl.keystore.password", PASSWORD,
                        "ssl.keystore.type", "PKCS12",
                        "log.retention.check.interval.ms", "200",
                        "flush.policy", "interval")).start()) {
            try (Admin admin = Admin.create(client(broker))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                        "segment.bytes", Integer.toString(4 * 1024 * 1024),
                        "retention.bytes", Integer.toString(16 * 1024 * 1024))))).all().get(30, TimeUnit.SECONDS);
            }
            AtomicLongArray consumed = new AtomicLongArray(2);
            ExecutorService readers = Executors.newFixedThreadPool(2);
            try {
                List<Future<Long>> bytesRead = new ArrayList<>();
                for (int reader = 0; reader < 2; reader++) {
                    int self = reader;
                    bytesRead.add(readers.submit(() -> read(broker, self, consumed)));
                }
                produce(broker, consumed);
                for (Future<Long> read : bytesRead) {
                    assertThat(read.get(180, TimeUnit.SECONDS)).isEqualTo((long) RECORDS * RECORD_BYTES);
                }
            } finally {
                readers.shutdownNow();
            }
            try (Admin admin = Admin.create(client(broker))) {
                TopicPartition tp = new TopicPartition(TOPIC, 0);
                long logStart = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get(30, TimeUnit.SECONDS)
                        .get(tp).offset();
                assertThat(logStart).as("retention removed the segments both readers were done with").isPositive();
            }
        }
        // A leaked buffer is reported when it is collected and a buffer of its kind is next allocated.
        System.gc();
        try (SuretyBroker after = SuretyBroker.builder().tempDataDir().start();
                Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, after.bootstrapServers()))) {
            admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
        assertThat(leaks.keptErrors()).as("Netty leak reports").isEmpty();
    }

    private static void produce(SuretyBroker broker, AtomicLongArray consumed) throws Exception {
        Map<String, Object> config = new HashMap<>(client(broker));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * RECORD_BYTES);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (i - Math.min(consumed.get(0), consumed.get(1)) > AHEAD_LIMIT) {
                    assertThat(System.nanoTime()).as("the readers keep up").isLessThan(deadlineNs);
                    Thread.sleep(5);
                }
                producer.send(new ProducerRecord<>(TOPIC, payload(i))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads every record in order, checking each; returns the bytes read. */
    private static long read(SuretyBroker broker, int reader, AtomicLongArray consumed) {
        Map<String, Object> config = new HashMap<>(client(broker));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * RECORD_BYTES);
        long bytes = 0;
        int expected = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(170);
            while (expected < RECORDS && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(check(record.value())).as("reader %d, offset %d", reader, record.offset()).isEqualTo(expected);
                    expected++;
                    bytes += record.value().length;
                    consumed.set(reader, expected);
                }
            }
        }
        return bytes;
    }
}
