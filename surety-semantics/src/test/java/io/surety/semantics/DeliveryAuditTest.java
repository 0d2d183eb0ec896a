package io.surety.semantics;

import static io.surety.semantics.AuditStreams.delivered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

/**
 * Synthetic streams whose losses, duplicates and reorderings are known by construction; the audit
 * must count each exactly. Random choices are seeded; the seed is printed with every failure.
 */
class DeliveryAuditTest {

    private static final String TOPIC = "orders";

    /** A stream for one partition: which records arrive in which order, and the truth about it. */
    record Plan(List<Long> arrivals, Set<Long> lost, Set<Long> duplicated, int swaps) {
    }

    /**
     * Sequences 0..count-1, of which a random set is lost, a random set is delivered a second time
     * later in the stream, and random disjoint neighbour pairs are swapped.
     */
    static Plan plan(Random random, int count) {
        Set<Long> lost = new HashSet<>();
        Set<Long> duplicated = new HashSet<>();
        Set<Long> swapped = new HashSet<>();
        for (long s = 0; s < count; s++) {
            int roll = random.nextInt(20);
            if (roll == 0) {
                lost.add(s);
            } else if (roll == 1) {
                duplicated.add(s);
            }
        }
        List<Long> order = new ArrayList<>();
        for (long s = 0; s < count; s++) {
            if (!lost.contains(s)) {
                order.add(s);
            }
        }
        int swaps = 0;
        for (int i = 0; i + 1 < order.size(); i++) {
            long a = order.get(i);
            long b = order.get(i + 1);
            boolean free = !duplicated.contains(a) && !duplicated.contains(b) && !swapped.contains(a) && b == a + 1;
            if (free && random.nextInt(15) == 0) {
                order.set(i, b);
                order.set(i + 1, a);
                swapped.add(a);
                swapped.add(b);
                swaps++;
                i++;
            }
        }
        for (long d : duplicated) {
            int at = order.indexOf(d);
            order.add(at + 1 + random.nextInt(order.size() - at), d);
        }
        return new Plan(order, lost, duplicated, swaps);
    }

    static List<ProducerRecord<String, String>> stamped(AuditStamper stamper, int count) {
        List<ProducerRecord<String, String>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(stamper.stamp(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)));
        }
        return sent;
    }

    @Test
    void shouldCountKnownLossesDuplicatesAndReorderingsExactly() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            int count = 200 + random.nextInt(2000);
            AuditStamper stamper = AuditStamper.forSource("src");
            List<ProducerRecord<String, String>> sent = stamped(stamper, count);
            Plan plan = plan(random, count);
            DeliveryAudit audit = DeliveryAudit.expectingFromZero();
            long offset = 0;
            for (long sequence : plan.arrivals()) {
                audit.record(delivered(sent.get((int) sequence), 0, offset++));
            }
            SourceFigures figures = audit.snapshot().source("src").orElseThrow();
            String why = "seed " + seed + " round " + round + " " + plan;
            assertThat(figures.duplicates()).as(why).isEqualTo(plan.duplicated().size());
            assertThat(figures.reordered()).as(why).isEqualTo(plan.swaps());
            assertThat(figures.missingBelow(stamper.nextSequence())).as(why).isEqualTo(plan.lost().size());
            long lostBelowHighest = plan.lost().stream().filter(s -> s < figures.highestSequence()).count();
            assertThat(figures.missing()).as(why).isEqualTo(lostBelowHighest);
            assertThat(figures.received()).as(why).isEqualTo(plan.arrivals().size());
            assertThat(figures.distinct()).as(why).isEqualTo(count - plan.lost().size());
            assertThat(audit.totals()).as(why).isEqualTo(new AuditTotals(plan.arrivals().size(),
                    plan.duplicated().size(), plan.swaps(), lostBelowHighest, 0, 0));
        }
    }

    @Test
    void shouldCountLossAcrossPartitionsReadInterleaved() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int partitions = 4;
        int count = 5000;
        AuditStamper stamper = AuditStamper.forSource("multi");
        List<ProducerRecord<String, String>> sent = stamped(stamper, count);
        List<List<Long>> logs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            logs.add(new ArrayList<>());
        }
        Set<Long> lost = new HashSet<>();
        for (long s = 0; s < count; s++) {
            if (random.nextInt(50) == 0) {
                lost.add(s);
            } else {
                logs.get(random.nextInt(partitions)).add(s);
            }
        }
        DeliveryAudit audit = DeliveryAudit.expectingFromZero();
        int[] next = new int[partitions];
        int remaining = count - lost.size();
        while (remaining > 0) {
            int p = random.nextInt(partitions);
            int chunk = Math.min(1 + random.nextInt(200), logs.get(p).size() - next[p]);
            for (int i = 0; i < chunk; i++) {
                long sequence = logs.get(p).get(next[p]);
                audit.record(delivered(sent.get((int) sequence), p, next[p]++));
                remaining--;
            }
        }
        SourceFigures figures = audit.snapshot().source("multi").orElseThrow();
        String why = "seed " + seed;
        assertThat(figures.missingBelow(count)).as(why).isEqualTo(lost.size());
        assertThat(figures.duplicates()).as(why).isZero();
        assertThat(figures.reordered()).as(why).isZero();
        assertThat(figures.partitions()).as(why).hasSize(partitions)
                .allSatisfy(pf -> assertThat(pf.received()).isEqualTo(logs.get(pf.partition().partition()).size()));
    }

    @Test
    void shouldKeepSourcesApart() {
        AuditStamper a = AuditStamper.forSource("a");
        AuditStamper b = AuditStamper.forSource("b");
        List<ProducerRecord<String, String>> fromA = stamped(a, 10);
        List<ProducerRecord<String, String>> fromB = stamped(b, 10);
        DeliveryAudit audit = DeliveryAudit.expectingFromZero();
        for (int i = 0; i < 10; i++) {
            if (i != 3) {
                audit.record(delivered(fromA.get(i), 0, 2L * i));
            }
            audit.record(delivered(fromB.get(i), 0, 2L * i + 1));
        }
        audit.record(delivered(fromB.get(7), 0, 99));
        assertThat(audit.snapshot().source("a").orElseThrow().missing()).isEqualTo(1);
        assertThat(audit.snapshot().source("a").orElseThrow().duplicates()).isZero();
        assertThat(audit.snapshot().source("b").orElseThrow().missing()).isZero();
        assertThat(audit.snapshot().source("b").orElseThrow().duplicates()).isEqualTo(1);
    }

    @Test
    void shouldReportEachAnomalyToTheListener() {
        AuditStamper stamper = AuditStamper.forSource("s");
        List<ProducerRecord<String, String>> sent = stamped(stamper, 6);
        List<AuditEvent> events = new ArrayList<>();
        DeliveryAudit audit = DeliveryAudit.expectingFromZero().onEvent(events::add);
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        long[] order = {0, 2, 1, 1, 5};
        for (int i = 0; i < order.length; i++) {
            audit.record(delivered(sent.get((int) order[i]), 0, i));
        }
        assertThat(events).containsExactly(
                new AuditEvent.Gap("s", 2, 1, tp, 1),
                new AuditEvent.Reordered("s", 1, 2, tp, 2),
                new AuditEvent.GapFilled("s", 1, tp, 2),
                new AuditEvent.Duplicate("s", 1, tp, 3),
                new AuditEvent.Gap("s", 5, 2, tp, 4));
        assertThat(audit.totals()).isEqualTo(new AuditTotals(5, 1, 1, 2, 0, 0));
    }

    @Test
    void shouldSurviveAListenerThatThrows() {
        DeliveryAudit audit = DeliveryAudit.expectingFromZero().onEvent(e -> {
            throw new IllegalStateException("listener bug");
        });
        List<ProducerRecord<String, String>> sent = stamped(AuditStamper.forSource("s"), 3);
        audit.record(delivered(sent.get(2), 0, 0));
        assertThat(audit.totals().missing()).isEqualTo(2);
    }

    @Test
    void shouldStartAtTheFirstSequenceSeenWhenAskedTo() {
        List<ProducerRecord<String, String>> sent = stamped(AuditStamper.forSource("late"), 1000);
        DeliveryAudit fromZero = DeliveryAudit.expectingFromZero();
        DeliveryAudit fromFirst = DeliveryAudit.startingAtFirstSeen();
        for (int s = 500; s < 1000; s++) {
            fromZero.record(delivered(sent.get(s), 0, s));
            fromFirst.record(delivered(sent.get(s), 0, s));
        }
        assertThat(fromZero.totals().missing()).isEqualTo(500);
        assertThat(fromFirst.totals().missing()).isZero();
        assertThat(fromFirst.snapshot().source("late").orElseThrow().firstExpected()).isEqualTo(500);
        fromZero.expect("late", 400);
        assertThat(fromZero.totals().missing()).isEqualTo(100);
    }

    @Test
    void shouldContinueAfterRestoreAsIfNeverStopped() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        AuditStamper stamper = AuditStamper.forSource("restart");
        List<ProducerRecord<String, String>> sent = stamped(stamper, 3000);
        Plan plan = plan(random, 3000);
        DeliveryAudit uninterrupted = DeliveryAudit.expectingFromZero();
        DeliveryAudit restarted = DeliveryAudit.expectingFromZero();
        int cut = plan.arrivals().size() / 2;
        for (int i = 0; i < plan.arrivals().size(); i++) {
            ConsumerRecord<String, String> record = delivered(sent.get(plan.arrivals().get(i).intValue()), i % 3, i);
            uninterrupted.record(record);
            if (i == cut) {
                restarted = DeliveryAudit.restore(restarted.exportState());
            }
            restarted.record(record);
        }
        assertThat(restarted.snapshot()).as("seed " + seed).isEqualTo(uninterrupted.snapshot());
        assertThat(restarted.exportState()).isEqualTo(uninterrupted.exportState());
    }

    @Test
    void shouldCountRedeliveryAfterARestartAsDuplicates() {
        List<ProducerRecord<String, String>> sent = stamped(AuditStamper.forSource("s"), 100);
        DeliveryAudit audit = DeliveryAudit.expectingFromZero();
        for (int s = 0; s < 60; s++) {
            audit.record(delivered(sent.get(s), 0, s));
        }
        byte[] savedAtCommit = audit.exportState();
        DeliveryAudit afterCrash = DeliveryAudit.restore(savedAtCommit);
        // the consumer had committed offset 50 and read up to 59 before it crashed
        for (int s = 50; s < 100; s++) {
            afterCrash.record(delivered(sent.get(s), 0, s));
        }
        assertThat(afterCrash.totals()).isEqualTo(new AuditTotals(110, 10, 0, 0, 0, 0));
    }

    @Test
    void shouldRefuseCorruptOrTruncatedStateAtEveryLength() {
        DeliveryAudit audit = DeliveryAudit.expectingFromZero();
        List<ProducerRecord<String, String>> sent = stamped(AuditStamper.forSource("s"), 20);
        for (int s = 0; s < 20; s += 3) {
            audit.record(delivered(sent.get(s), s % 2, s));
        }
        byte[] state = audit.exportState();
        for (int length = 0; length < state.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(state, length);
            assertThatThrownBy(() -> DeliveryAudit.restore(cut)).as("length " + length)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Audit state is corrupt");
        }
        for (int i = 0; i < state.length; i++) {
            byte[] flipped = state.clone();
            flipped[i] ^= 0x10;
            assertThatThrownBy(() -> DeliveryAudit.restore(flipped)).as("byte " + i)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(DeliveryAudit.restore(state).snapshot()).isEqualTo(audit.snapshot());
    }

    @Test
    void shouldCountUnstampedAndMalformedRecordsApart() {
        DeliveryAudit audit = DeliveryAudit.expectingFromZero();
        audit.record(new ConsumerRecord<>(TOPIC, 0, 0, "k", "v"));
        ConsumerRecord<String, String> badSequence = new ConsumerRecord<>(TOPIC, 0, 1, "k", "v");
        badSequence.headers().add(AuditStamper.SOURCE_HEADER, "s".getBytes(StandardCharsets.UTF_8));
        badSequence.headers().add(AuditStamper.SEQUENCE_HEADER, "12x".getBytes(StandardCharsets.US_ASCII));
        audit.record(badSequence);
        ConsumerRecord<String, String> noSource = new ConsumerRecord<>(TOPIC, 0, 2, "k", "v");
        noSource.headers().add(AuditStamper.SEQUENCE_HEADER, "3".getBytes(StandardCharsets.US_ASCII));
        audit.record(noSource);
        ConsumerRecord<String, String> overflow = new ConsumerRecord<>(TOPIC, 0, 3, "k", "v");
        overflow.headers().add(AuditStamper.SOURCE_HEADER, "s".getBytes(StandardCharsets.UTF_8));
        overflow.headers().add(AuditStamper.SEQUENCE_HEADER, "99999999999999999999".getBytes(StandardCharsets.US_ASCII));
        audit.record(overflow);
        assertThat(audit.totals()).isEqualTo(new AuditTotals(0, 0, 0, 0, 1, 3));
        assertThat(audit.snapshot().sources()).isEmpty();
    }

    @Test
    void shouldPublishTotalsAsKafkaMetrics() {
        DeliveryAudit audit = DeliveryAudit.expectingFromZero();
        List<ProducerRecord<String, String>> sent = stamped(AuditStamper.forSource("s"), 5);
        for (int s : new int[] {0, 1, 1, 4, 3}) {
            audit.record(delivered(sent.get(s), 0, s));
        }
        try (Metrics metrics = new Metrics()) {
            List<MetricName> names = AuditMetrics.register(audit, metrics, Map.of("client-id", "c1"));
            assertThat(names).hasSize(6).allSatisfy(n -> assertThat(n.group()).isEqualTo(AuditMetrics.GROUP));
            assertThat(value(metrics, "records-audited-total")).isEqualTo(5L);
            assertThat(value(metrics, "duplicates-total")).isEqualTo(1L);
            assertThat(value(metrics, "reordered-total")).isEqualTo(1L);
            assertThat(value(metrics, "estimated-lost-total")).isEqualTo(1L);
            assertThat(value(metrics, "unstamped-total")).isEqualTo(0L);
        }
    }

    private static Object value(Metrics metrics, String name) {
        return metrics.metric(metrics.metricName(name, AuditMetrics.GROUP, Map.of("client-id", "c1"))).metricValue();
    }
}
