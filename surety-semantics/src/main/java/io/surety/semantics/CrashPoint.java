package io.surety.semantics;

/**
 * The moments in a processing loop where a crash decides what the guarantee delivers. A
 * {@link CrashHook} is called at each, so a checker can kill the process exactly there.
 *
 * <table>
 *   <caption>Order of the points in each loop, for one batch of polled records</caption>
 *   <tr><th>loop</th><th>order</th></tr>
 *   <tr><td>{@link AtMostOnceLoop}</td><td>AFTER_POLL, commit, AFTER_COMMIT_BEFORE_PROCESS,
 *       (process, MID_PROCESSING)..., process the last, AFTER_BATCH</td></tr>
 *   <tr><td>{@link AtLeastOnceLoop}</td><td>AFTER_POLL, (process, MID_PROCESSING)..., process the
 *       last, AFTER_PROCESS_BEFORE_COMMIT, commit, AFTER_BATCH</td></tr>
 *   <tr><td>{@link ExactlyOnceLoop}</td><td>AFTER_POLL, begin transaction, (transform and send,
 *       MID_PROCESSING)..., transform and send the last, send offsets to the transaction,
 *       AFTER_PROCESS_BEFORE_COMMIT, commit the transaction, AFTER_BATCH</td></tr>
 * </table>
 */
public enum CrashPoint {
    /** Records polled; nothing processed or committed for them yet. */
    AFTER_POLL,
    /** At-most-once: offsets committed, nothing processed: a crash here loses the batch. */
    AFTER_COMMIT_BEFORE_PROCESS,
    /** After each record of a batch but the last: part of the batch is processed. */
    MID_PROCESSING,
    /**
     * At-least-once: the batch is processed, its offsets not committed: a crash here repeats it.
     * Exactly-once: output and offsets are in the open transaction, not committed: a crash here
     * aborts it.
     */
    AFTER_PROCESS_BEFORE_COMMIT,
    /** The batch is done: processed and committed. */
    AFTER_BATCH
}
