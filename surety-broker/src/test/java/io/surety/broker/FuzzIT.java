package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile bytes at scale: many connections send mutated and random frames while a well-behaved
 * producer (acks=all, idempotent) and consumer keep working. The broker's framing is followed
 * byte for byte ({@link BrokerFraming}), so each connection is checked against what the broker
 * must do: close after a frame it cannot serve, otherwise answer every request exactly once and
 * in order, and never hang. At the end every acknowledged record must be consumable at the
 * acknowledged offset, the broker must still serve, no broker thread may have died, and the
 * broker must not have logged an error (Netty's paranoid leak detector logs leaks as errors).
 *
 * <p>Seeded: {@code -Dsurety.seed=N} replays each worker's frame sequence (the interleaving of
 * workers is up to the scheduler). {@code -Dsurety.fuzz.frames} sets the number of frames.
 */
class FuzzIT {

    private static final int MAX_FRAME_BYTES = 1 << 20;
    private static final int WORKERS = 6;
    private static final int PAD_LIMIT = 64 * 1024;
    private static final int LONG_WAIT_MS = 200;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FUZZ_TIME_LIMIT = Duration.ofSeconds(Long.getLong("surety.fuzz.seconds", 150));
    private static final long TARGET_FRAMES = Long.getLong("surety.fuzz.frames", 100_000);
    private static final int IO_THREADS = 4;

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-fuzz-");

    private final LongAdder frames = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final LongAdder closedByBroker = new LongAdder();
    private final LongAdder abandoned = new LongAdder();
    private final LongAdder responses = new LongAdder();
    private final LongAdder expectedRejects = new LongAdder();
    private final FailureLog failures = new FailureLog();
    private final AtomicBoolean stop = new AtomicBoolean();

    /** Failures found by any thread, kept for the final report. */
    private static final class FailureLog extends ConcurrentLinkedQueue<String> {
        private static final long serialVersionUID = 1L;

        void report(String failure) {
            if (size() < 20) {
                add(failure);
            }
        }
    }

    private record Acked(int partition, long offset) {
    }

    @Test
    void shouldKeepServingRealClientsWhenFloodedWithHostileFrames() throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        System.out.println("FuzzIT seed=" + seed + " (rerun with -Dsurety.seed=" + seed + ")");
        List<Throwable> uncaught = new ArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            synchronized (uncaught) {
                uncaught.add(new AssertionError("Thread " + thread.getName() + " died", error));
            }
        });
        try (SuretyBroker broker = TestBrokers.startWithTopics(DATA.dir(), 2, List.of("good", "fuzz"), Map.of(
                "auto.create.topics.enable", "false",
                "socket.request.max.bytes", Integer.toString(MAX_FRAME_BYTES),
                "num.io.threads", Integer.toString(IO_THREADS)));
                LogCapture network = LogCapture.attach("io.surety.broker.network", true);
                LogCapture surety = LogCapture.attach("io.surety", false);
                LogCapture netty = LogCapture.attach("io.netty", false)) {
            Map<ApiKeys, short[]> served = servedVersions(broker.port());
            BrokerFraming.Supported supported = (key, version) -> served.containsKey(key)
                    && version >= served.get(key)[0] && version <= served.get(key)[1];
            FrameFuzzer fuzzer = FrameFuzzer.forTopic(describe(broker.port(), "fuzz"), supported, MAX_FRAME_BYTES);
            System.out.println("FuzzIT " + fuzzer.templateCount() + " request templates");

            Run run = fuzzWhileClientsWork(broker, fuzzer, supported, seed);
            Map<String, Acked> acked = run.acked();
            Map<String, Acked> consumed = consumeGoodRecords(broker, acked);

            System.out.printf("FuzzIT seed=%d: %d frames over %d connections in %d ms; %d closed by the broker "
                    + "(%d after a frame it had to refuse), %d abandoned mid-frame or during a long fetch wait, %d responses; "
                    + "good producer: %d sent, %d acknowledged, %d consumed; %d network warnings%n",
                    seed, frames.sum(), connections.sum(), run.fuzzMs(), closedByBroker.sum(), expectedRejects.sum(),
                    abandoned.sum(), responses.sum(), run.sentRecords(), acked.size(), consumed.size(), network.warnings());

            System.out.println("FuzzIT sample of the broker's close warnings: "
                    + network.keptWarnings().subList(0, Math.min(5, network.keptWarnings().size())));
            assertThat(failures).as("protocol violations (seed %d)", seed).isEmpty();
            assertThat(frames.sum()).as("frames sent within %s", FUZZ_TIME_LIMIT).isGreaterThanOrEqualTo(TARGET_FRAMES);
            assertBrokerServes(broker.port());
            long fuzzRecords = assertEverythingAcceptedIsConsumable(broker, "fuzz");
            System.out.println("FuzzIT the fuzz topic holds " + fuzzRecords + " accepted records, all consumable");
            assertThat(consumed).as("every acknowledged record is consumable at its offset").containsAllEntriesOf(acked);
            assertThat(acked).hasSizeGreaterThan(1000);
            assertThat(network.errors() + surety.errors()).as("broker errors: %s %s", network.keptErrors(),
                    surety.keptErrors()).isZero();
            assertThat(netty.errors() + netty.warnings()).as("Netty errors and warnings: %s %s", netty.keptErrors(),
                    netty.keptWarnings()).isZero();
            assertHandlerThreadsNeverReplaced();
            synchronized (uncaught) {
                assertThat(uncaught).isEmpty();
            }
        } catch (Throwable e) {
            DATA.markFailed();
            throw e;
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /** What the fuzzing phase left to check: the good producer's sends and acknowledgements. */
    private record Run(long sentRecords, Map<String, Acked> acked, long fuzzMs) {
    }

    /** Runs the fuzzing workers and the good producer until enough frames went out (or time ran out). */
    private Run fuzzWhileClientsWork(SuretyBroker broker, FrameFuzzer fuzzer, BrokerFraming.Supported supported,
            long seed) throws Exception {
        Map<String, Acked> acked = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            long startNs = System.nanoTime();
            Future<Long> producer = pool.submit(() -> produceGoodRecords(broker, acked));
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                Random random = new Random(seed * 31 + w);
                int worker = w;
                workers.add(pool.submit(() -> fuzz(broker.port(), fuzzer, supported, random, seed, worker)));
            }
            try {
                Awaitility.await().atMost(FUZZ_TIME_LIMIT).pollInterval(Duration.ofMillis(100))
                        .until(() -> frames.sum() >= TARGET_FRAMES || failures.size() >= 20);
            } catch (ConditionTimeoutException e) {
                // Too slow: the frame count is asserted after the clients are checked.
            }
            stop.set(true);
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            long sent = producer.get(120, TimeUnit.SECONDS);
            return new Run(sent, acked, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- fuzzing connections

    private Void fuzz(int port, FrameFuzzer fuzzer, BrokerFraming.Supported supported, Random random, long seed,
            int worker) {
        while (!stop.get()) {
            try {
                fuzzOneConnection(port, fuzzer, supported, random, "seed " + seed + " worker " + worker);
            } catch (IOException e) {
                failures.report("seed " + seed + " worker " + worker + ": could not connect or probe: " + e);
                return null;
            }
        }
        return null;
    }

    /** One connection: batches of hostile chunks, each followed by a probe, until the connection ends. */
    private void fuzzOneConnection(int port, FrameFuzzer fuzzer, BrokerFraming.Supported supported, Random random,
            String who) throws IOException {
        connections.increment();
        BrokerFraming framing = new BrokerFraming(MAX_FRAME_BYTES, supported);
        Deque<BrokerFraming.Answer> expected = new ArrayDeque<>();
        Deque<byte[]> recent = new ArrayDeque<>();
        ConnectionState state = new ConnectionState();
        try (RawKafkaConnection connection = RawKafkaConnection.open(port)) {
            connection.readTimeout(ANSWER_TIMEOUT);
            while (!stop.get()) {
                int chunks = 1 + random.nextInt(6);
                for (int i = 0; i < chunks && !state.mustClose && !state.abandon; i++) {
                    byte[] chunk = fuzzer.next(random);
                    remember(recent, chunk);
                    if (!write(connection, chunk)) {
                        state.writeFailed = true;
                        break;
                    }
                    frames.increment();
                    expect(framing, framing.feed(chunk), expected, state);
                    padToBoundary(connection, framing, expected, state, recent);
                }
                if (state.writeFailed) {
                    if (!state.mustClose && !state.mayClose) {
                        failures.report(who + ": the broker closed a connection whose frames were all valid; sent: "
                                + hex(recent));
                    }
                    closedByBroker.increment();
                    return;
                }
                if (state.abandon || state.longWait) {
                    abandoned.increment();
                    return;
                }
                if (!probeAndCheck(connection, expected, state, recent, who)) {
                    return;
                }
            }
        }
    }

    /** What one connection has been sent so far implies. */
    private static final class ConnectionState {
        boolean mustClose;
        boolean mayClose;
        boolean longWait;
        boolean abandon;
        boolean writeFailed;
    }

    private static void expect(BrokerFraming framing, List<byte[]> whole, Deque<BrokerFraming.Answer> expected, ConnectionState state) {
        for (byte[] frame : whole) {
            if (state.mustClose) {
                return;
            }
            BrokerFraming.Expectation expectation = framing.expect(frame);
            if (expectation instanceof BrokerFraming.Reject) {
                state.mustClose = true;
            } else if (expectation instanceof BrokerFraming.Answer answer) {
                expected.add(answer);
                state.longWait |= answer.maxWaitMs() > LONG_WAIT_MS;
            } else {
                state.mayClose = true;
            }
        }
        if (framing.oversized()) {
            state.mustClose = true;
        }
    }

    /** Completes a partial frame with zeros (so the next probe starts on a boundary), or gives up on a huge one. */
    private void padToBoundary(RawKafkaConnection connection, BrokerFraming framing, Deque<BrokerFraming.Answer> expected,
            ConnectionState state, Deque<byte[]> recent) {
        int gap;
        while (!state.mustClose && !state.writeFailed && (gap = framing.bytesToBoundary()) > 0) {
            if (gap > PAD_LIMIT) {
                state.abandon = true;
                return;
            }
            byte[] padding = new byte[gap];
            remember(recent, padding);
            if (!write(connection, padding)) {
                state.writeFailed = true;
                return;
            }
            expect(framing, framing.feed(padding), expected, state);
        }
    }

    /**
     * Sends a probe (ApiVersions) and reads until it is answered or the connection closes, checking
     * each response's correlation id against the requests that had to be answered, in order.
     * Returns whether the connection can carry on.
     */
    private boolean probeAndCheck(RawKafkaConnection connection, Deque<BrokerFraming.Answer> expected, ConnectionState state,
            Deque<byte[]> recent, String who) {
        int probe = 0x7E000000 | (int) (connections.sum() & 0xFFFFFF);
        if (!state.mustClose) {
            if (!write(connection, RawKafkaConnection.frame(ApiKeys.API_VERSIONS, (short) 3, probe,
                    new ApiVersionsRequest.Builder().build((short) 3).data()))) {
                state.writeFailed = true;
                if (!state.mayClose) {
                    failures.report(who + ": the broker closed a connection whose frames were all valid; sent: "
                            + hex(recent));
                }
                closedByBroker.increment();
                return false;
            }
            expected.add(new BrokerFraming.Answer(probe, ApiKeys.API_VERSIONS, (short) 3, 0));
        }
        while (true) {
            ByteBuffer response;
            try {
                response = connection.readFrame();
            } catch (EOFException | SocketException e) {
                closedByBroker.increment();
                if (state.mustClose) {
                    expectedRejects.increment();
                } else if (!state.mayClose) {
                    failures.report(who + ": the broker closed a connection whose frames were all valid ("
                            + expected.size() + " answers missing); sent: " + hex(recent));
                }
                return false;
            } catch (SocketTimeoutException e) {
                failures.report(who + ": no answer and no close within " + ANSWER_TIMEOUT + " (mustClose="
                        + state.mustClose + ", waiting for " + expected + "); sent: " + hex(recent));
                return false;
            } catch (IOException e) {
                failures.report(who + ": unreadable response: " + e + "; sent: " + hex(recent));
                return false;
            }
            responses.increment();
            int correlationId = response.getInt(0);
            BrokerFraming.Answer wanted = expected.poll();
            if (wanted == null || wanted.correlationId() != correlationId) {
                failures.report(who + ": response for correlation id " + correlationId + " but expected " + wanted
                        + " (mustClose=" + state.mustClose + "); sent: " + hex(recent));
                return false;
            }
            String undecodable = undecodable(response, wanted);
            if (undecodable != null) {
                failures.report(who + ": the " + wanted.key() + " v" + wanted.responseVersion() + " response does not "
                        + "decode: " + undecodable + "; sent: " + hex(recent));
                return false;
            }
            if (correlationId == probe && !state.mustClose) {
                recent.clear();
                return true;
            }
        }
    }

    /** Null if {@code frame} is exactly one response of the expected kind and version, else why not. */
    private static String undecodable(ByteBuffer frame, BrokerFraming.Answer expected) {
        try {
            ResponseHeader.parse(frame, expected.key().responseHeaderVersion(expected.responseVersion()));
            AbstractResponse.parseResponse(expected.key(), new ByteBufferAccessor(frame), expected.responseVersion());
            return frame.hasRemaining() ? frame.remaining() + " bytes left over" : null;
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private static boolean write(RawKafkaConnection connection, byte[] bytes) {
        try {
            connection.send(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void remember(Deque<byte[]> recent, byte[] chunk) {
        recent.addLast(chunk);
        while (recent.size() > 12) {
            recent.removeFirst();
        }
    }

    private static String hex(Deque<byte[]> chunks) {
        StringBuilder out = new StringBuilder();
        for (byte[] chunk : chunks) {
            String text = HexFormat.of().formatHex(chunk, 0, Math.min(chunk.length, 400));
            out.append('[').append(text).append(chunk.length > 400 ? "...(" + chunk.length + " bytes)" : "").append("] ");
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- well-behaved clients

    private long produceGoodRecords(SuretyBroker broker, Map<String, Acked> acked) throws Exception {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all",
                "enable.idempotence", true, "linger.ms", 5, "delivery.timeout.ms", 120_000,
                "request.timeout.ms", 30_000);
        Semaphore inFlight = new Semaphore(2_000);
        long sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            while (!stop.get()) {
                String value = "good-" + sent++;
                inFlight.acquire();
                producer.send(new ProducerRecord<>("good", value, value), (metadata, error) -> {
                    inFlight.release();
                    if (error != null) {
                        failures.report("good producer: " + value + " failed: " + error);
                    } else {
                        acked.put(value, new Acked(metadata.partition(), metadata.offset()));
                    }
                });
                if (sent % 4 == 0) {
                    Thread.sleep(1); // pacing (about 4,000 records a second), leaving CPU to the fuzzing
                }
            }
            producer.flush();
        }
        return sent;
    }

    /** Reads both partitions from the start until every acknowledged record was seen; checks offsets are gap-free. */
    private Map<String, Acked> consumeGoodRecords(SuretyBroker broker, Map<String, Acked> acked) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "auto.offset.reset",
                "earliest", "enable.auto.commit", false, "max.poll.records", 5_000);
        Map<String, Acked> consumed = new TreeMap<>();
        List<TopicPartition> partitions = List.of(new TopicPartition("good", 0), new TopicPartition("good", 1));
        long[] nextOffset = new long[2];
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                            assertThat(record.offset()).as("offsets of good-%d are contiguous", record.partition())
                                    .isEqualTo(nextOffset[record.partition()]);
                            nextOffset[record.partition()]++;
                            consumed.put(record.value(), new Acked(record.partition(), record.offset()));
                        }
                        return consumed.keySet().containsAll(acked.keySet());
                    });
        }
        return consumed;
    }

    // ---------------------------------------------------------------- broker checks

    /** Reads both partitions of {@code topic} from start to end with a real consumer; returns the record count. */
    private static long assertEverythingAcceptedIsConsumable(SuretyBroker broker, String topic) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "enable.auto.commit", false,
                "max.poll.records", 5_000);
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        long[] count = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long[] next = new long[2];
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            assertThat(record.offset()).as("offsets of %s-%d are contiguous", topic, record.partition())
                                    .isEqualTo(next[record.partition()]);
                            next[record.partition()]++;
                            count[0]++;
                        }
                        return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
                    });
        }
        return count[0];
    }

    private static Map<ApiKeys, short[]> servedVersions(int port) throws IOException {
        try (RawKafkaConnection connection = RawKafkaConnection.open(port)) {
            ApiVersionsResponseData data = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequest.Builder().build((short) 3).data());
            Map<ApiKeys, short[]> served = new TreeMap<>();
            for (ApiVersionsResponseData.ApiVersion version : data.apiKeys()) {
                served.put(ApiKeys.forId(version.apiKey()), new short[] {version.minVersion(), version.maxVersion()});
            }
            return served;
        }
    }

    private static MetadataResponseData.MetadataResponseTopic describe(int port, String topic) throws IOException {
        try (RawKafkaConnection connection = RawKafkaConnection.open(port)) {
            MetadataResponseData data = connection.call(ApiKeys.METADATA, (short) 12, new MetadataRequestData()
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic))));
            return data.topics().find(topic);
        }
    }

    private static void assertBrokerServes(int port) throws IOException {
        try (RawKafkaConnection connection = RawKafkaConnection.open(port)) {
            ApiVersionsResponseData versions = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequest.Builder().build((short) 3).data());
            assertThat(versions.errorCode()).isEqualTo(Errors.NONE.code());
            MetadataResponseData metadata = connection.call(ApiKeys.METADATA, (short) 12,
                    new MetadataRequestData().setTopics(null));
            assertThat(metadata.topics()).extracting(MetadataResponseData.MetadataResponseTopic::name)
                    .containsExactlyInAnyOrder("good", "fuzz");
        }
    }

    /** The handler pool replaces a thread that died with a new, higher-numbered one. */
    private static void assertHandlerThreadsNeverReplaced() {
        Set<Thread> threads = Thread.getAllStackTraces().keySet();
        for (Thread thread : threads) {
            String name = thread.getName();
            if (name.startsWith("surety-handler-")) {
                assertThat(Integer.parseInt(name.substring("surety-handler-".length())))
                        .as("handler thread %s is a replacement for one that died", name).isLessThanOrEqualTo(IO_THREADS);
            }
        }
    }
}
