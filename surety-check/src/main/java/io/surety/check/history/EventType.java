package io.surety.check.history;

/**
 * What a history line records. Every event of a run lands in one history file, in the order it
 * was written; {@link HistoryEvent#nanos()} orders events across processes of one machine.
 */
public enum EventType {
    /** The run began: {@code detail} holds the target and the schedule. */
    RUN_START,
    /** A producer is about to send record {@code (actor, seq)}. */
    SEND,
    /** The send of {@code (actor, seq)} was acknowledged at {@code partition}/{@code offset} (offset -1 with acks=0). */
    ACK,
    /** The send of {@code (actor, seq)} failed or its transaction aborted; {@code detail} says why. */
    FAIL,
    /** A consumer's assignment changed to the partitions listed in {@code detail} (comma separated). */
    ASSIGN,
    /** A consumer's poll returned record {@code (actor of the record, seq)} from {@code partition}/{@code offset}. */
    POLL,
    /** The application processed record {@code (producer, seq)} read from {@code partition}/{@code offset}. */
    PROCESS,
    /** A consumer committed {@code offset} (the next one to read) for {@code partition}. */
    COMMIT,
    /** The final read of the input log (after the faults healed) saw {@code (producer, seq)} at {@code partition}/{@code offset}. */
    LOG_READ,
    /** The final read_committed read of the exactly-once output saw {@code (producer, seq)}. */
    OUTPUT_READ,
    /** A fault started; {@code detail} names it. */
    FAULT_START,
    /** A fault ended; {@code detail} names it. */
    FAULT_END,
    /**
     * A fault could not be injected, or its injection failed half-way (a broker restart command that
     * exited non-zero, a restart interrupted); {@code detail} names it, {@code reason} says why.
     * Written between the fault's FAULT_START and FAULT_END when it had started.
     */
    FAULT_FAILED,
    /** A scheduled fault was not injected at all; {@code detail} names it, {@code reason} says why. */
    FAULT_SKIPPED,
    /** A client crashed on purpose at the point named in {@code detail}. */
    CRASH,
    /** The run ended ({@code detail}: "complete" or why it stopped early). */
    RUN_END
}
