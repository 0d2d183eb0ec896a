package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.semantics.LoopTestCluster.Crash;
import io.surety.semantics.LoopTestCluster.LogConsumer;
import io.surety.semantics.LoopTestCluster.TxnProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once against kafka-clients' MockConsumer and transactional MockProducer: whatever the
 * crash point, the committed output holds each input's result exactly once; failures abort the
 * transaction and rewind the consumer.
 */
class ExactlyOnceLoopTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 20;
    private static final int BATCH = 4;

    private final LoopTestCluster cluster = new LoopTestCluster("orders", PARTITIONS, PER_PARTITION);
    private final List<TxnProducer> producers = new ArrayList<>();
    private final Map<String, Integer> transformed = new HashMap<>();

    private RecordTransformer<String, String, String, String> invoice() {
        return record -> {
            transformed.merge(record.value(), 1, Integer::sum);
            return List.of(new ProducerRecord<>("invoices", 0, record.key(), "inv:" + record.value()));
        };
    }

    private ExactlyOnceLoop.Builder<String, String, String, String> loop(LogConsumer consumer, TxnProducer producer) {
        producers.add(producer);
        return ExactlyOnceLoop.builder(consumer, producer).topics(List.of(cluster.topic)).transformer(invoice())
                .pollTimeout(Duration.ofMillis(1));
    }

    private LoopExit incarnation(CrashHook hook) {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        TxnProducer producer = cluster.new TxnProducer();
        ExactlyOnceLoop<String, String, String, String> loop = loop(consumer, producer).crashHook(hook).build();
        consumer.whenDrained(loop::shutdown);
        try {
            LoopExit exit = loop.run();
            assertThat(producer.closed()).isTrue();
            return exit;
        } catch (Crash crash) {
            assertThat(producer.closed()).as("closed after a crash too").isTrue();
            assertThat(consumer.closed()).isTrue();
            return null;
        }
    }

    /** Every committed output record, over all producer incarnations, counted by value. */
    private Map<String, Integer> committedOutput() {
        Map<String, Integer> output = new HashMap<>();
        producers.forEach(p -> p.history().forEach(r -> output.merge(r.value(), 1, Integer::sum)));
        return output;
    }

    private void assertExactlyOnce(String why) {
        Map<String, Integer> output = committedOutput();
        assertThat(output).as(why).hasSize(cluster.size());
        assertThat(output.values()).as(why).allSatisfy(count -> assertThat(count).isEqualTo(1));
        assertThat(cluster.allCommitted()).as(why).isTrue();
    }

    @Test
    void shouldCommitEachOutputExactlyOnceWhateverTheCrashPoint() {
        for (CrashPoint point : List.of(CrashPoint.AFTER_POLL, CrashPoint.MID_PROCESSING,
                CrashPoint.AFTER_PROCESS_BEFORE_COMMIT, CrashPoint.AFTER_BATCH)) {
            for (int nth = 1; nth <= 5; nth++) {
                producers.clear();
                transformed.clear();
                cluster.committed.clear();
                assertThat(incarnation(LoopTestCluster.crashAt(point, nth))).as("%s #%d", point, nth).isNull();
                assertThat(incarnation(CrashHook.NONE)).isInstanceOf(LoopExit.ShutDown.class);
                assertExactlyOnce(point + " #" + nth);
                if (point == CrashPoint.AFTER_PROCESS_BEFORE_COMMIT) {
                    assertThat(transformed.values().stream().filter(c -> c > 1).count())
                            .as("the crashed transaction's batch was transformed again").isEqualTo(PARTITIONS * BATCH);
                }
            }
        }
    }

    @Test
    void shouldAbortRewindAndRetryWhenTheCommitFails() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        TxnProducer producer = cluster.new TxnProducer();
        producer.failNextCommit(new KafkaException("coordinator moved"));
        ExactlyOnceLoop<String, String, String, String> loop = loop(consumer, producer).build();
        consumer.whenDrained(loop::shutdown);
        assertThat(loop.run()).isInstanceOf(LoopExit.ShutDown.class);
        assertExactlyOnce("after one failed commit");
        assertThat(transformed.values().stream().filter(c -> c == 2).count()).isEqualTo(PARTITIONS * BATCH);
    }

    @Test
    void shouldRetryACommitThatTimedOutInsteadOfAborting() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        TxnProducer producer = cluster.new TxnProducer();
        producer.failNextCommit(new TimeoutException("commit took too long"));
        ExactlyOnceLoop<String, String, String, String> loop = loop(consumer, producer).build();
        consumer.whenDrained(loop::shutdown);
        assertThat(loop.run()).isInstanceOf(LoopExit.ShutDown.class);
        assertExactlyOnce("after a commit timeout");
        assertThat(transformed.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
    }

    @Test
    void shouldStopAfterTooManyFailedTransactionsInARow() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        TxnProducer producer = cluster.new TxnProducer();
        for (int i = 0; i < 3; i++) {
            producer.failNextCommit(new KafkaException("broker unavailable"));
        }
        ExactlyOnceLoop<String, String, String, String> loop = loop(consumer, producer).transactionAttempts(3).build();
        consumer.whenDrained(loop::shutdown);
        LoopExit exit = loop.run();
        assertThat(exit).isInstanceOfSatisfying(LoopExit.Failed.class, failed ->
                assertThat(failed.cause()).hasMessageContaining("failed 3 times in a row"));
        assertThat(committedOutput()).isEmpty();
        assertThat(cluster.committed).isEmpty();
    }

    @Test
    void shouldStopWhenFencedWithoutCommittingTheOpenTransaction() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        TxnProducer producer = cluster.new TxnProducer();
        int[] midPoints = {0};
        ExactlyOnceLoop<String, String, String, String> loop = loop(consumer, producer).crashHook(point -> {
            if (point == CrashPoint.MID_PROCESSING && ++midPoints[0] == 14) {
                producer.fenceProducer();
            }
        }).build();
        consumer.whenDrained(loop::shutdown);
        LoopExit exit = loop.run();
        assertThat(exit).isInstanceOfSatisfying(LoopExit.Fenced.class, fenced ->
                assertThat(fenced.cause()).isInstanceOf(ProducerFencedException.class));
        assertThat(producer.closed()).isTrue();
        assertThat(committedOutput()).as("only the first batch committed").hasSize(PARTITIONS * BATCH);
        assertThat(incarnation(CrashHook.NONE)).isInstanceOf(LoopExit.ShutDown.class);
        assertExactlyOnce("after fencing and a new instance");
    }

    @Test
    void shouldAbortRewindAndStopAtAPoisonRecordWithoutADeadLetterTopic() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        TxnProducer producer = cluster.new TxnProducer();
        ExactlyOnceLoop<String, String, String, String> loop = loop(consumer, producer).transformer(record -> {
            if (record.value().equals("1-6")) {
                throw new IllegalArgumentException("cannot price");
            }
            return List.of(new ProducerRecord<>("invoices", 0, record.key(), "inv:" + record.value()));
        }).build();
        consumer.whenDrained(loop::shutdown);
        assertThat(loop.run()).isInstanceOfSatisfying(LoopExit.Failed.class, failed ->
                assertThat(failed.cause()).isInstanceOf(ProcessingFailedException.class));
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(committedOutput()).as("only the first batch").hasSize(PARTITIONS * BATCH);
        assertThat(cluster.committed).containsEntry(new TopicPartition(cluster.topic, 1), (long) BATCH);
        assertThat(consumer.seeks.subList(consumer.seeks.size() - PARTITIONS, consumer.seeks.size()))
                .as("rewound to the committed offsets after the abort")
                .containsExactlyInAnyOrder(cluster.topic + "-0@" + BATCH, cluster.topic + "-1@" + BATCH,
                        cluster.topic + "-2@" + BATCH);
    }

    @Test
    void shouldSendAPoisonRecordToTheDeadLetterTopicInsideTheTransaction() {
        LogConsumer consumer = cluster.new LogConsumer(BATCH);
        TxnProducer producer = cluster.new TxnProducer();
        ExactlyOnceLoop<String, String, String, String> loop = loop(consumer, producer).transformer(record -> {
            if (record.value().equals("2-13")) {
                throw new IllegalArgumentException("cannot price");
            }
            return List.of(new ProducerRecord<>("invoices", 0, record.key(), "inv:" + record.value()));
        }).retry(RetryPolicy.attempts(2, Duration.ZERO))
                .deadLetters(record -> new ProducerRecord<>("orders.dlt", 0, record.key(), record.value())).build();
        consumer.whenDrained(loop::shutdown);
        assertThat(loop.run()).isInstanceOf(LoopExit.ShutDown.class);
        List<ProducerRecord<String, String>> letters = producer.history().stream()
                .filter(r -> r.topic().equals("orders.dlt")).toList();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo("2-13");
            assertThat(AtMostOnceLoopTest.header(letter, DeadLetters.ATTEMPTS_HEADER)).isEqualTo("2");
            assertThat(AtMostOnceLoopTest.header(letter, DeadLetters.ERROR_HEADER)).contains("cannot price");
        });
        assertThat(producer.history()).hasSize(cluster.size());
        assertThat(cluster.allCommitted()).isTrue();
    }

    @Test
    void shouldFailFastOnBadInput() {
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        MockProducer<String, String> producer = new MockProducer<>();
        assertThatThrownBy(() -> ExactlyOnceLoop.builder(consumer, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("producer must not be null");
        assertThatThrownBy(() -> ExactlyOnceLoop.builder(consumer, producer).topics(List.of("t")).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("transformer");
        assertThatThrownBy(() -> ExactlyOnceLoop.<String, String, String, String>builder(consumer, producer)
                .transformer(r -> List.of()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one topic");
        assertThatThrownBy(() -> ExactlyOnceLoop.builder(consumer, producer).transactionAttempts(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
