package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.semantics.LoopTestCluster.Crash;
import io.surety.semantics.LoopTestCluster.LogConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * At-most-once against kafka-clients' MockConsumer: a crash at any point never makes a record
 * processed twice; it loses exactly the records committed and not yet processed.
 */
class AtMostOnceLoopTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 20;
    private static final int BATCH = 4;
    private static final int BATCH_RECORDS = PARTITIONS * BATCH;

    private final LoopTestCluster cluster = new LoopTestCluster("metrics", PARTITIONS, PER_PARTITION);
    private final Map<String, Integer> processed = new HashMap<>();

    private LoopExit incarnation(CrashHook hook, RecordHandler<String, String> handler) {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        AtMostOnceLoop<String, String> loop = AtMostOnceLoop.builder(consumer).topics(List.of(cluster.topic))
                .handler(handler).crashHook(hook).pollTimeout(Duration.ofMillis(1)).build();
        consumer.whenDrained(loop::shutdown);
        try {
            LoopExit exit = loop.run();
            assertThat(consumer.closed()).isTrue();
            return exit;
        } catch (Crash crash) {
            assertThat(consumer.closed()).as("closed after a crash too").isTrue();
            return null;
        }
    }

    private RecordHandler<String, String> counting() {
        return record -> processed.merge(record.value(), 1, Integer::sum);
    }

    private long lost() {
        return cluster.size() - processed.size();
    }

    @Test
    void shouldProcessEveryRecordOnceWhenNothingFails() {
        assertThat(incarnation(CrashHook.NONE, counting())).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(processed).hasSize(cluster.size()).allSatisfy((value, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void shouldNeverProcessTwiceAndLoseOnlyWhatWasCommittedBeforeTheCrash() {
        for (CrashPoint point : List.of(CrashPoint.AFTER_POLL, CrashPoint.AFTER_COMMIT_BEFORE_PROCESS,
                CrashPoint.MID_PROCESSING, CrashPoint.AFTER_BATCH)) {
            for (int nth = 1; nth <= 5; nth++) {
                processed.clear();
                cluster.committed.clear();
                assertThat(incarnation(LoopTestCluster.crashAt(point, nth), counting())).as("%s #%d", point, nth).isNull();
                assertThat(incarnation(CrashHook.NONE, counting())).isInstanceOf(LoopExit.ShutDown.class);
                String why = point + " #" + nth;
                assertThat(processed.values()).as(why).allSatisfy(count -> assertThat(count).isEqualTo(1));
                long expectedLost = switch (point) {
                    case AFTER_COMMIT_BEFORE_PROCESS -> BATCH_RECORDS;
                    case MID_PROCESSING -> BATCH_RECORDS - ((nth - 1) % (BATCH_RECORDS - 1) + 1);
                    default -> 0;
                };
                assertThat(lost()).as(why).isEqualTo(expectedLost);
            }
        }
    }

    @Test
    void shouldNotProcessABatchWhoseCommitFailed() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        consumer.failNextCommit(new CommitFailedException("group rebalanced"));
        AtMostOnceLoop<String, String> loop = AtMostOnceLoop.builder(consumer).topics(List.of(cluster.topic))
                .handler(counting()).pollTimeout(Duration.ofMillis(1)).build();
        consumer.whenDrained(loop::shutdown);
        assertThat(loop.run()).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(loop.skippedRecords()).isEqualTo(BATCH_RECORDS);
        assertThat(lost()).isEqualTo(BATCH_RECORDS);
        assertThat(processed.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
    }

    @Test
    void shouldRetryAsToldThenSendToTheDeadLetterTopic() {
        MockProducer<String, String> deadLetters = new MockProducer<>(true, null, new StringSerializer(),
                new StringSerializer());
        Map<String, Integer> attempts = new HashMap<>();
        List<Duration> sleeps = new java.util.ArrayList<>();
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        AtMostOnceLoop<String, String> loop = AtMostOnceLoop.builder(consumer).topics(List.of(cluster.topic))
                .handler(record -> {
                    attempts.merge(record.value(), 1, Integer::sum);
                    if (record.value().equals("1-3")) {
                        throw new IllegalStateException("poison");
                    }
                    processed.merge(record.value(), 1, Integer::sum);
                })
                .retry(RetryPolicy.attempts(3, Duration.ofMillis(10))).sleeper(sleeps::add)
                .deadLetters("metrics.dlt", deadLetters).pollTimeout(Duration.ofMillis(1)).build();
        consumer.whenDrained(loop::shutdown);
        assertThat(loop.run()).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(attempts.get("1-3")).isEqualTo(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(10), Duration.ofMillis(10));
        assertThat(deadLetters.history()).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo("metrics.dlt");
            assertThat(letter.value()).isEqualTo("1-3");
            assertThat(header(letter, DeadLetters.OFFSET_HEADER)).isEqualTo("3");
            assertThat(header(letter, DeadLetters.PARTITION_HEADER)).isEqualTo("1");
            assertThat(header(letter, DeadLetters.ATTEMPTS_HEADER)).isEqualTo("3");
            assertThat(header(letter, DeadLetters.ERROR_HEADER)).contains("IllegalStateException: poison");
        });
        assertThat(deadLetters.closed()).isTrue();
        assertThat(loop.skippedRecords()).isZero();
        assertThat(processed).hasSize(cluster.size() - 1);
    }

    @Test
    void shouldSkipARecordThatFailsWithoutADeadLetterTopic() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        AtMostOnceLoop<String, String> loop = AtMostOnceLoop.builder(consumer).topics(List.of(cluster.topic))
                .handler(record -> {
                    if (record.value().equals("0-0")) {
                        throw new IllegalStateException("poison");
                    }
                    processed.merge(record.value(), 1, Integer::sum);
                }).pollTimeout(Duration.ofMillis(1)).build();
        consumer.whenDrained(loop::shutdown);
        assertThat(loop.run()).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(loop.skippedRecords()).isEqualTo(1);
        assertThat(processed).hasSize(cluster.size() - 1);
    }

    @Test
    void shouldFailFastOnBadInput() {
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        assertThatThrownBy(() -> AtMostOnceLoop.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("consumer must not be null");
        assertThatThrownBy(() -> AtMostOnceLoop.builder(consumer).topics(List.of("t")).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("handler");
        assertThatThrownBy(() -> AtMostOnceLoop.builder(consumer).handler(r -> { }).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topics must not be empty");
        assertThatThrownBy(() -> AtMostOnceLoop.builder(consumer).topics(List.of()).handler(r -> { }).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one topic");
        assertThatThrownBy(() -> AtMostOnceLoop.builder(consumer).topics(List.of(" ")).handler(r -> { }).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> AtMostOnceLoop.builder(consumer).pollTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AtMostOnceLoop.builder(consumer).deadLetters("dlt", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("dead-letter producer");
    }

    @Test
    void shouldRunOnlyOnce() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        AtMostOnceLoop<String, String> loop = AtMostOnceLoop.builder(consumer).topics(List.of(cluster.topic))
                .handler(counting()).pollTimeout(Duration.ofMillis(1)).build();
        consumer.whenDrained(loop::shutdown);
        loop.run();
        assertThatThrownBy(loop::run).isInstanceOf(IllegalStateException.class);
    }

    static String header(ProducerRecord<?, ?> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
