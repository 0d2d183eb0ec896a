package io.surety.check.result;

/**
 * What one guarantee delivered in a run, counted from the history. Every count is of distinct
 * records (a record is one {@code (producer, seq)}) unless it says otherwise; docs/check.md defines
 * each precisely.
 *
 * @param guarantee          "at-most-once", "at-least-once" or "exactly-once"
 * @param promise            the promise in plain words, e.g. "never duplicated; may lose"
 * @param sent               records a producer tried to send
 * @param acknowledged       records whose send was acknowledged (in a committed transaction, for exactly-once)
 * @param failed             records whose send definitely failed or whose transaction aborted
 * @param delivered          records the application processed (exactly-once: found in the committed output)
 * @param lost               acknowledged records never delivered
 * @param lostUnacknowledged sent, neither acknowledged nor failed, and never delivered (informational)
 * @param duplicated         extra deliveries: for each delivered record, deliveries beyond the first
 * @param logDuplicates      records found at more than one offset of the input log
 * @param reordered          records read from a partition after a later record of the same producer
 * @param abortedReads       records of failed sends or aborted transactions that a reader saw
 * @param phantoms           records read that no producer sent
 * @param offsetsSkipped     records a consumer jumped over without a rebalance in between
 * @param verdict            the promise checked against these counts
 */
public record GuaranteeResult(
        String guarantee,
        String promise,
        long sent,
        long acknowledged,
        long failed,
        long delivered,
        long lost,
        long lostUnacknowledged,
        long duplicated,
        long logDuplicates,
        long reordered,
        long abortedReads,
        long phantoms,
        long offsetsSkipped,
        Verdict verdict) {
}
