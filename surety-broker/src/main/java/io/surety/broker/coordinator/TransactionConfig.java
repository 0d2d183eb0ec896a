package io.surety.broker.coordinator;

/**
 * The transaction coordinator's settings, with the Kafka broker keys they come from. Immutable.
 *
 * @param maxTimeoutMs {@code transaction.max.timeout.ms}: the longest transaction.timeout.ms a producer may ask for
 * @param abortTimedOutIntervalMs {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}: how often
 *        transactions open past their timeout are aborted
 * @param idExpirationMs {@code transactional.id.expiration.ms}: how long an idle transactional id is kept
 * @param removeExpiredIntervalMs {@code transaction.remove.expired.transaction.cleanup.interval.ms}
 * @param verificationEnabled {@code transaction.partition.verification.enable}: check a partition is in the
 *        transaction before a transactional batch opens the transaction there (KIP-890 part 1)
 * @param markerRetryBackoffMs how long to wait before writing markers again after a partition failed to take them
 */
public record TransactionConfig(
        int maxTimeoutMs,
        long abortTimedOutIntervalMs,
        long idExpirationMs,
        long removeExpiredIntervalMs,
        boolean verificationEnabled,
        long markerRetryBackoffMs) {

    /** Kafka's defaults, for tests. */
    public static TransactionConfig defaults() {
        return new TransactionConfig(900_000, 10_000, 604_800_000L, 3_600_000L, true, 1_000);
    }
}
