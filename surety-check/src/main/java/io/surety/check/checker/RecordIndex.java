package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one guarantee's history says about each record, gathered in one pass, and the
 * per-record counts drawn from it: sent, acknowledged, failed, delivered, lost, lost
 * unacknowledged, duplicated, log duplicates, aborted reads and phantoms.
 *
 * <p>A read whose record cannot be identified (no producer or a negative sequence) is a phantom
 * by definition; such reads are told apart by their position, input and output separately.
 */
final class RecordIndex {

    private final Map<RecordKey, RecordFacts> records = new HashMap<>();
    private final Set<Position> anonymousInputReads = new HashSet<>();
    private final Set<Position> anonymousOutputReads = new HashSet<>();
    /** Exactly-once delivers into an output topic; the other two deliver by processing. */
    private final boolean deliveredByOutput;
    private final boolean deliveredByLog;

    private RecordIndex(boolean deliveredByOutput, boolean deliveredByLog) {
        this.deliveredByOutput = deliveredByOutput;
        this.deliveredByLog = deliveredByLog;
    }

    static RecordIndex of(String guarantee, List<HistoryEvent> events) {
        RecordIndex index = new RecordIndex(Guarantees.EXACTLY_ONCE.equals(guarantee),
                Guarantees.ACKS_1.equals(guarantee));
        for (HistoryEvent event : events) {
            index.add(event);
        }
        return index;
    }

    private void add(HistoryEvent e) {
        switch (e.type()) {
            case SEND -> facts(e).sent = true;
            case ACK -> facts(e).acknowledged = true;
            case FAIL -> {
                RecordFacts f = facts(e);
                f.failed = true;
                if (isAbort(e.detail())) {
                    f.aborted = true;
                }
            }
            case POLL -> read(e);
            case PROCESS -> {
                RecordFacts f = read(e);
                if (f != null) {
                    f.processEvents++;
                }
            }
            case LOG_READ -> {
                RecordFacts f = read(e);
                if (f != null) {
                    f.logPositions.add(new Position(e.partition(), e.offset()));
                }
            }
            case OUTPUT_READ -> {
                RecordFacts f = read(e);
                if (f != null) {
                    f.outputPositions.add(new Position(e.partition(), e.offset()));
                }
            }
            default -> {
                // assignments, commits, faults and run markers say nothing about a record
            }
        }
    }

    static boolean isAbort(String detail) {
        return detail != null && detail.regionMatches(true, 0, "aborted", 0, "aborted".length());
    }

    /** Marks the record read; returns its facts, or null when the read names no record. */
    private RecordFacts read(HistoryEvent e) {
        if (!identified(e)) {
            Position where = new Position(e.partition(), e.offset());
            (e.type() == EventType.OUTPUT_READ ? anonymousOutputReads : anonymousInputReads)
                    .add(where);
            return null;
        }
        RecordFacts f = facts(e);
        f.read = true;
        return f;
    }

    private static boolean identified(HistoryEvent e) {
        return e.producer() != null && e.seq() >= 0;
    }

    private RecordFacts facts(HistoryEvent e) {
        if (!identified(e)) {
            throw new IllegalArgumentException("a " + e.type() + " event must name its record (producer and seq): " + e);
        }
        return records.computeIfAbsent(new RecordKey(e.producer(), e.seq()), k -> new RecordFacts());
    }

    /**
     * Deliveries of one record: PROCESS events, or distinct output positions for exactly-once, or
     * distinct positions the final read of the log found for the acks=1 row (which has no consumer).
     */
    private int deliveries(RecordFacts f) {
        return deliveredByOutput ? f.outputPositions.size() : deliveredByLog ? f.logPositions.size() : f.processEvents;
    }

    /** The per-record counts; reordered and offsetsSkipped come from their own detectors. */
    Counts counts(long reordered, long offsetsSkipped) {
        long sent = 0;
        long acknowledged = 0;
        long failed = 0;
        long delivered = 0;
        long lost = 0;
        long lostUnacknowledged = 0;
        long duplicated = 0;
        long logDuplicates = 0;
        long abortedReads = 0;
        long phantoms = anonymousInputReads.size() + anonymousOutputReads.size();
        for (RecordFacts f : records.values()) {
            int deliveries = deliveries(f);
            if (f.sent) {
                sent++;
            }
            if (f.acknowledged) {
                acknowledged++;
            }
            if (f.failed && !f.acknowledged) {
                failed++;
            }
            if (deliveries > 0) {
                delivered++;
                duplicated += deliveries - 1;
            } else if (f.acknowledged) {
                lost++;
            } else if (f.sent && !f.failed) {
                lostUnacknowledged++;
            }
            if (f.logPositions.size() >= 2) {
                logDuplicates++;
            }
            if (f.aborted && !f.acknowledged && f.read) {
                abortedReads++;
            }
            if (f.read && !f.sent) {
                phantoms++;
            }
        }
        return new Counts(sent, acknowledged, failed, delivered, lost, lostUnacknowledged, duplicated,
                logDuplicates, reordered, abortedReads, phantoms, offsetsSkipped);
    }
}
