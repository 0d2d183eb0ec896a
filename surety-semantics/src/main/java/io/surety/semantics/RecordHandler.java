package io.surety.semantics;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The application's processing of one record, called by {@link AtMostOnceLoop} and
 * {@link AtLeastOnceLoop} on the loop's thread. An exception means "not processed"; the loop's
 * {@link RetryPolicy} decides whether it is called again.
 */
@FunctionalInterface
public interface RecordHandler<K, V> {

    void handle(ConsumerRecord<K, V> record) throws Exception;
}
