package io.surety.check.checker;

/** What the history says about one record of one guarantee. */
final class RecordFacts {

    boolean sent;
    boolean acknowledged;
    boolean failed;
    /** A FAIL of this record says its transaction aborted. */
    boolean aborted;
    /** Some reader (poll, process, final log read or output read) saw it. */
    boolean read;
    /** PROCESS events, counted with repetition. */
    int processEvents;
    /** Distinct positions in the input log seen by the final read (LOG_READ). */
    final PositionSet logPositions = new PositionSet();
    /** Distinct positions in the exactly-once output topic seen by the final read (OUTPUT_READ). */
    final PositionSet outputPositions = new PositionSet();
}
