package io.surety.check.checker;

import io.surety.check.result.GuaranteeResult;
import io.surety.check.result.Verdict;

/** The counts of one guarantee before the verdict is drawn; same meaning as in {@link GuaranteeResult}. */
record Counts(
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
        long offsetsSkipped) {

    GuaranteeResult toResult(String guarantee, Verdict verdict) {
        return new GuaranteeResult(guarantee, Guarantees.promise(guarantee), sent, acknowledged, failed, delivered,
                lost, lostUnacknowledged, duplicated, logDuplicates, reordered, abortedReads, phantoms,
                offsetsSkipped, verdict);
    }
}
