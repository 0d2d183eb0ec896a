package io.surety.semantics;

import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Calls a record's processing up to {@link RetryPolicy#maxAttempts()} times.
 *
 * <p>Stateless apart from its policy; used on one loop's thread.
 */
final class Retrier {

    private final RetryPolicy policy;
    private final Sleeper sleeper;

    Retrier(RetryPolicy policy, Sleeper sleeper) {
        this.policy = policy;
        this.sleeper = sleeper;
    }

    /**
     * The result of the first call of {@code action} that does not throw an {@link Exception}.
     * Errors pass through at once.
     *
     * @throws ProcessingFailedException after the last attempt fails, or if interrupted while
     *                                   waiting to retry (the interrupt flag is set again)
     */
    <T> T call(ConsumerRecord<?, ?> record, Callable<T> action) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.call();
            } catch (Exception e) {
                if (attempt >= policy.maxAttempts()) {
                    throw failed(record, attempt, e);
                }
                try {
                    if (!policy.backoff().isZero()) {
                        sleeper.sleep(policy.backoff());
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    ProcessingFailedException failure = failed(record, attempt, e);
                    failure.addSuppressed(interrupted);
                    throw failure;
                }
            }
        }
    }

    private static ProcessingFailedException failed(ConsumerRecord<?, ?> record, int attempts, Exception cause) {
        return new ProcessingFailedException(new TopicPartition(record.topic(), record.partition()), record.offset(),
                attempts, cause);
    }
}
