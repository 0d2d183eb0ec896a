package io.surety.check.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One line of a run's history. Flat on purpose: every event is the same few fields, so the history
 * stays greppable JSON lines and the checker needs no per-type classes.
 *
 * <p>A record sent by the workload is identified by {@code (producer, seq)}: the producer instance
 * that sent it and its sequence number in that instance. On {@link EventType#SEND}, {@code ACK} and
 * {@code FAIL} the producer is the {@code actor}; on {@code POLL}, {@code PROCESS}, {@code LOG_READ}
 * and {@code OUTPUT_READ} the actor is the reader and {@code producer} names the record's writer.
 *
 * @param type      what happened
 * @param nanos     {@link System#nanoTime()} when it happened (one clock for every process on the machine)
 * @param guarantee the guarantee under test ("at-most-once", "at-least-once", "exactly-once"), null for run-wide events
 * @param actor     the client that acted (producer, consumer, reader, or the fault injector)
 * @param producer  the producer of the record concerned, null if none
 * @param seq       the record's sequence in its producer, -1 if none
 * @param partition the partition, -1 if none
 * @param offset    the offset, -1 if none or unknown
 * @param detail    free text: error, fault name, crash point, assigned partitions
 * @param reason    why a fault failed or was skipped (FAULT_FAILED, FAULT_SKIPPED), null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEvent(
        EventType type,
        long nanos,
        String guarantee,
        String actor,
        String producer,
        long seq,
        int partition,
        long offset,
        String detail,
        String reason) {

    public HistoryEvent {
        Objects.requireNonNull(type, "type");
    }

    public static HistoryEvent send(String guarantee, String producer, long seq) {
        return new HistoryEvent(EventType.SEND, System.nanoTime(), guarantee, producer, producer, seq, -1, -1,
                null, null);
    }

    public static HistoryEvent ack(String guarantee, String producer, long seq, int partition, long offset) {
        return new HistoryEvent(EventType.ACK, System.nanoTime(), guarantee, producer, producer, seq, partition, offset,
                null, null);
    }

    public static HistoryEvent fail(String guarantee, String producer, long seq, String why) {
        return new HistoryEvent(EventType.FAIL, System.nanoTime(), guarantee, producer, producer, seq, -1, -1,
                why, null);
    }

    /** A record seen by a reader: {@code type} is POLL, PROCESS, LOG_READ or OUTPUT_READ. */
    public static HistoryEvent read(EventType type, String guarantee, String reader, String producer, long seq,
                                    int partition, long offset) {
        return new HistoryEvent(type, System.nanoTime(), guarantee, reader, producer, seq, partition, offset, null,
                null);
    }

    public static HistoryEvent assign(String guarantee, String consumer, String partitions) {
        return new HistoryEvent(EventType.ASSIGN, System.nanoTime(), guarantee, consumer, null, -1, -1, -1, partitions,
                null);
    }

    public static HistoryEvent commit(String guarantee, String consumer, int partition, long nextOffset) {
        return new HistoryEvent(EventType.COMMIT, System.nanoTime(), guarantee, consumer, null, -1, partition,
                nextOffset, null, null);
    }

    /** A run-wide or per-guarantee event without a record: RUN_START, RUN_END, FAULT_START, FAULT_END, CRASH. */
    public static HistoryEvent note(EventType type, String guarantee, String actor, String detail) {
        return new HistoryEvent(type, System.nanoTime(), guarantee, actor, null, -1, -1, -1, detail, null);
    }

    /** A fault that failed (FAULT_FAILED) or was not injected (FAULT_SKIPPED), and why. */
    public static HistoryEvent faultOutcome(EventType type, String fault, String reason) {
        if (type != EventType.FAULT_FAILED && type != EventType.FAULT_SKIPPED) {
            throw new IllegalArgumentException("not a fault outcome: " + type);
        }
        return new HistoryEvent(type, System.nanoTime(), null, "faults", null, -1, -1, -1, fault,
                Objects.requireNonNull(reason, "reason"));
    }

    /** The record this event is about, as {@code producer/seq}, or null. */
    public String recordId() {
        return producer == null || seq < 0 ? null : producer + "/" + seq;
    }
}
