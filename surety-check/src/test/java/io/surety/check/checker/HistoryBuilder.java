package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes synthetic histories for tests. Events get increasing times, one millisecond apart from
 * time zero unless {@link #at(long)} moves the clock; record events belong to the current
 * guarantee (set with {@link #guarantee(String)}).
 */
final class HistoryBuilder {

    static final long T0 = 5_000_000_000L;

    private final List<HistoryEvent> events = new ArrayList<>();
    private String guarantee;
    private long nowNanos = T0;

    HistoryBuilder(String guarantee) {
        this.guarantee = guarantee;
    }

    HistoryBuilder guarantee(String guarantee) {
        this.guarantee = guarantee;
        return this;
    }

    /** The next event happens {@code ms} milliseconds after time zero. */
    HistoryBuilder at(long ms) {
        nowNanos = T0 + ms * 1_000_000L;
        return this;
    }

    private HistoryBuilder add(EventType type, String g, String actor, String producer, long seq, int partition,
                               long offset, String detail) {
        events.add(new HistoryEvent(type, nowNanos, g, actor, producer, seq, partition, offset, detail, null));
        nowNanos += 1_000_000L;
        return this;
    }

    HistoryBuilder runStart() {
        return add(EventType.RUN_START, null, "runner", null, -1, -1, -1, "test");
    }

    HistoryBuilder runEnd(String detail) {
        return add(EventType.RUN_END, null, "runner", null, -1, -1, -1, detail);
    }

    HistoryBuilder faultStart(String name) {
        return add(EventType.FAULT_START, null, "nemesis", null, -1, -1, -1, name);
    }

    HistoryBuilder faultEnd(String name) {
        return add(EventType.FAULT_END, null, "nemesis", null, -1, -1, -1, name);
    }

    HistoryBuilder faultFailed(String name, String reason) {
        return faultOutcome(EventType.FAULT_FAILED, name, reason);
    }

    HistoryBuilder faultSkipped(String name, String reason) {
        return faultOutcome(EventType.FAULT_SKIPPED, name, reason);
    }

    private HistoryBuilder faultOutcome(EventType type, String name, String reason) {
        events.add(new HistoryEvent(type, nowNanos, null, "nemesis", null, -1, -1, -1, name, reason));
        nowNanos += 1_000_000L;
        return this;
    }

    HistoryBuilder send(String producer, long seq) {
        return add(EventType.SEND, guarantee, producer, producer, seq, -1, -1, null);
    }

    HistoryBuilder ack(String producer, long seq, int partition, long offset) {
        return add(EventType.ACK, guarantee, producer, producer, seq, partition, offset, null);
    }

    HistoryBuilder fail(String producer, long seq, String why) {
        return add(EventType.FAIL, guarantee, producer, producer, seq, -1, -1, why);
    }

    /** SEND then ACK. */
    HistoryBuilder sent(String producer, long seq, int partition, long offset) {
        return send(producer, seq).ack(producer, seq, partition, offset);
    }

    HistoryBuilder assign(String consumer, String partitions) {
        return add(EventType.ASSIGN, guarantee, consumer, null, -1, -1, -1, partitions);
    }

    HistoryBuilder poll(String consumer, String producer, long seq, int partition, long offset) {
        return add(EventType.POLL, guarantee, consumer, producer, seq, partition, offset, null);
    }

    HistoryBuilder process(String consumer, String producer, long seq, int partition, long offset) {
        return add(EventType.PROCESS, guarantee, consumer, producer, seq, partition, offset, null);
    }

    /** POLL then PROCESS. */
    HistoryBuilder consumed(String consumer, String producer, long seq, int partition, long offset) {
        return poll(consumer, producer, seq, partition, offset).process(consumer, producer, seq, partition, offset);
    }

    HistoryBuilder commit(String consumer, int partition, long nextOffset) {
        return add(EventType.COMMIT, guarantee, consumer, null, -1, partition, nextOffset, null);
    }

    HistoryBuilder logRead(String producer, long seq, int partition, long offset) {
        return add(EventType.LOG_READ, guarantee, "drain", producer, seq, partition, offset, null);
    }

    HistoryBuilder outputRead(String producer, long seq, int partition, long offset) {
        return add(EventType.OUTPUT_READ, guarantee, "drain", producer, seq, partition, offset, null);
    }

    HistoryBuilder crash(String consumer, String point) {
        return add(EventType.CRASH, guarantee, consumer, null, -1, -1, -1, point);
    }

    List<HistoryEvent> events() {
        return List.copyOf(events);
    }
}
