package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.semantics.LoopTestCluster.Crash;
import io.surety.semantics.LoopTestCluster.LogConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * At-least-once against kafka-clients' MockConsumer: a crash at any point never skips a record;
 * it repeats exactly the records processed and not yet committed.
 */
class AtLeastOnceLoopTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 20;
    private static final int BATCH = 4;
    private static final int BATCH_RECORDS = PARTITIONS * BATCH;

    private final LoopTestCluster cluster = new LoopTestCluster("orders", PARTITIONS, PER_PARTITION);
    private final Map<String, Integer> processed = new ConcurrentHashMap<>();

    private HandlerLoopBuilder<String, String, AtLeastOnceLoop<String, String>> loop(LogConsumer consumer) {
        return AtLeastOnceLoop.builder(consumer).topics(List.of(cluster.topic)).handler(counting())
                .pollTimeout(Duration.ofMillis(1));
    }

    private LoopExit incarnation(CrashHook hook) {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        AtLeastOnceLoop<String, String> loop = loop(consumer).crashHook(hook).build();
        consumer.whenDrained(loop::shutdown);
        try {
            return loop.run();
        } catch (Crash crash) {
            assertThat(consumer.closed()).as("closed after a crash too").isTrue();
            return null;
        }
    }

    private RecordHandler<String, String> counting() {
        return record -> processed.merge(record.value(), 1, Integer::sum);
    }

    private long duplicates() {
        return processed.values().stream().mapToLong(count -> count - 1).sum();
    }

    @Test
    void shouldNeverSkipARecordAndRepeatOnlyWhatWasNotCommitted() {
        for (CrashPoint point : List.of(CrashPoint.AFTER_POLL, CrashPoint.MID_PROCESSING,
                CrashPoint.AFTER_PROCESS_BEFORE_COMMIT, CrashPoint.AFTER_BATCH)) {
            for (int nth = 1; nth <= 5; nth++) {
                processed.clear();
                cluster.committed.clear();
                assertThat(incarnation(LoopTestCluster.crashAt(point, nth))).as("%s #%d", point, nth).isNull();
                assertThat(incarnation(CrashHook.NONE)).isInstanceOf(LoopExit.ShutDown.class);
                String why = point + " #" + nth;
                assertThat(processed).as(why).hasSize(cluster.size());
                long expectedDuplicates = switch (point) {
                    case AFTER_PROCESS_BEFORE_COMMIT -> BATCH_RECORDS;
                    case MID_PROCESSING -> (nth - 1) % (BATCH_RECORDS - 1) + 1;
                    default -> 0;
                };
                assertThat(duplicates()).as(why).isEqualTo(expectedDuplicates);
            }
        }
    }

    @Test
    void shouldStopAfterTheCurrentRecordAndCommitWhatWasProcessedOnShutdown() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        List<AtLeastOnceLoop<String, String>> self = new ArrayList<>();
        AtLeastOnceLoop<String, String> loop = loop(consumer).handler(record -> {
            processed.merge(record.value(), 1, Integer::sum);
            if (processed.size() == 17) {
                self.get(0).shutdown();
            }
        }).build();
        self.add(loop);
        assertThat(loop.run()).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(cluster.committed.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(17);
        assertThat(incarnation(CrashHook.NONE)).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(processed).hasSize(cluster.size()).allSatisfy((value, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void shouldShutDownFromAnotherThread() throws Exception {
        LoopTestCluster endless = new LoopTestCluster("orders", 1, 5_000);
        LogConsumer consumer = endless.new LogConsumer(10);
        AtLeastOnceLoop<String, String> loop = AtLeastOnceLoop.builder(consumer).topics(List.of("orders"))
                .handler(counting()).pollTimeout(Duration.ofMillis(1)).build();
        CompletableFuture<LoopExit> exit = CompletableFuture.supplyAsync(loop::run);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> processed.size() > 100);
        loop.shutdown();
        assertThat(exit.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(endless.committed.get(new TopicPartition("orders", 0))).isEqualTo(processed.size());
    }

    @Test
    void shouldCommitProcessedOffsetsWhenPartitionsAreRevoked() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        consumer.failNextCommit(new TimeoutException("coordinator slow"));
        TopicPartition first = cluster.partitions.get(0);
        TopicPartition last = cluster.partitions.get(PARTITIONS - 1);
        consumer.beforeSecondPoll(() -> {
            assertThat(cluster.committed).as("the first batch's commit failed").isEmpty();
            consumer.rebalance(cluster.partitions.subList(1, PARTITIONS));
            assertThat(cluster.committed).as("committed in onPartitionsRevoked").containsOnlyKeys(first)
                    .containsEntry(first, (long) BATCH);
        });
        AtLeastOnceLoop<String, String> loop = loop(consumer).build();
        consumer.when(() -> cluster.committed.getOrDefault(last, 0L) == PER_PARTITION, loop::shutdown);
        assertThat(loop.run()).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(cluster.committed).containsEntry(first, (long) BATCH);
        assertThat(processed).hasSize(BATCH + 2 * PER_PARTITION);
    }

    @Test
    void shouldStopAtAPoisonRecordWithoutADeadLetterTopicAndResumeThereAfterRestart() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        AtLeastOnceLoop<String, String> loop = loop(consumer).handler(poisonedAt("2-9"))
                .retry(RetryPolicy.attempts(2, Duration.ZERO)).build();
        consumer.whenDrained(loop::shutdown);
        LoopExit exit = loop.run();
        assertThat(exit).isInstanceOfSatisfying(LoopExit.Failed.class, failed ->
                assertThat(failed.cause()).isInstanceOfSatisfying(ProcessingFailedException.class, e -> {
                    assertThat(e.partition()).isEqualTo(new TopicPartition(cluster.topic, 2));
                    assertThat(e.offset()).isEqualTo(9);
                    assertThat(e.attempts()).isEqualTo(2);
                }));
        assertThat(cluster.committed).containsEntry(new TopicPartition(cluster.topic, 2), 9L);
        assertThat(incarnation(CrashHook.NONE)).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(processed).hasSize(cluster.size());
    }

    /** A dead-letter producer whose sends are never acknowledged. */
    private static MockProducer<String, String> unacknowledging() {
        return new MockProducer<>(false, null, new StringSerializer(), new StringSerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    org.apache.kafka.clients.producer.ProducerRecord<String, String> record,
                    org.apache.kafka.clients.producer.Callback callback) {
                java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> future =
                        super.send(record, callback);
                errorNext(new TimeoutException("dead-letter topic unavailable"));
                return future;
            }
        };
    }

    private RecordHandler<String, String> poisonedAt(String value) {
        return record -> {
            if (record.value().equals(value)) {
                throw new IllegalArgumentException("cannot parse");
            }
            processed.merge(record.value(), 1, Integer::sum);
        };
    }

    @Test
    void shouldCommitPastAPoisonRecordOnlyOnceItIsInTheDeadLetterTopic() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        AtLeastOnceLoop<String, String> loop = loop(consumer).handler(poisonedAt("0-1"))
                .deadLetters("orders.dlt", unacknowledging()).build();
        consumer.whenDrained(loop::shutdown);
        LoopExit exit = loop.run();
        assertThat(exit).as("a dead letter that is not acknowledged stops the loop").isInstanceOf(LoopExit.Failed.class);
        assertThat(cluster.committed).as("committed up to the poison record, not past it")
                .containsEntry(new TopicPartition(cluster.topic, 0), 1L);

        MockProducer<String, String> working = new MockProducer<>(true, null, new StringSerializer(),
                new StringSerializer());
        LogConsumer again = cluster.new LogConsumer(BATCH);
        AtLeastOnceLoop<String, String> second = loop(again).handler(poisonedAt("0-1"))
                .deadLetters("orders.dlt", working).build();
        again.whenDrained(second::shutdown);
        assertThat(second.run()).isInstanceOf(LoopExit.ShutDown.class);
        assertThat(working.history()).extracting(r -> r.value()).containsExactly("0-1");
        assertThat(working.closed()).isTrue();
        assertThat(processed).hasSize(cluster.size() - 1);
    }

    @Test
    void shouldFailFastOnBadInput() {
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        assertThatThrownBy(() -> AtLeastOnceLoop.builder(consumer).topics(List.of("t")).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("handler");
        assertThatThrownBy(() -> AtLeastOnceLoop.builder(consumer).topics(List.of()).handler(r -> { }).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one topic");
        assertThatThrownBy(() -> AtLeastOnceLoop.builder(consumer).retry(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("retry");
        assertThatThrownBy(() -> RetryPolicy.attempts(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.attempts(2, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
