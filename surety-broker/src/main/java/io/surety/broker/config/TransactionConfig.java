package io.surety.broker.config;

/**
 * The transaction coordinator's and producer-state settings, Kafka's {@code transaction.*},
 * {@code transactional.id.expiration.ms} and {@code producer.id.expiration.ms}. Immutable.
 *
 * @param maxTimeoutMs {@code transaction.max.timeout.ms}: the longest transaction.timeout.ms a producer may ask for
 * @param abortTimedOutIntervalMs {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}: how often
 *        transactions open past their timeout are aborted
 * @param idExpirationMs {@code transactional.id.expiration.ms}: how long an idle transactional id is kept
 * @param removeExpiredIntervalMs {@code transaction.remove.expired.transaction.cleanup.interval.ms}
 * @param verificationEnabled {@code transaction.partition.verification.enable}: check a partition is in the
 *        transaction before a transactional batch opens the transaction there (KIP-890 part 1)
 * @param producerIdExpirationMs {@code producer.id.expiration.ms}: how long a producer's sequence state is kept
 *        after its last write
 */
public record TransactionConfig(
        int maxTimeoutMs,
        long abortTimedOutIntervalMs,
        long idExpirationMs,
        long removeExpiredIntervalMs,
        boolean verificationEnabled,
        long producerIdExpirationMs) {

    static TransactionConfig from(ParsedSettings values) {
        return new TransactionConfig(
                values.intValue(BrokerConfig.TRANSACTION_MAX_TIMEOUT_MS),
                values.intValue(BrokerConfig.TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS),
                values.intValue(BrokerConfig.TRANSACTIONAL_ID_EXPIRATION_MS),
                values.intValue(BrokerConfig.TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS),
                values.booleanValue(BrokerConfig.TRANSACTION_PARTITION_VERIFICATION_ENABLE),
                values.intValue(BrokerConfig.PRODUCER_ID_EXPIRATION_MS));
    }

    /** The settings when nothing is set: the definition's defaults, which are Kafka's. */
    public static TransactionConfig defaults() {
        return BrokerConfig.defaults().transactions();
    }
}
