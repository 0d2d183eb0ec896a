package io.surety.semantics;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Where records that failed every attempt go, with headers saying where they came from and why.
 *
 * <p>Headers added: {@code surety.dlt.topic}, {@code surety.dlt.partition},
 * {@code surety.dlt.offset}, {@code surety.dlt.attempts} (decimal ASCII) and
 * {@code surety.dlt.error} (exception class and message, UTF-8, at most 1000 characters).
 */
final class DeadLetters<K, V> {

    static final String TOPIC_HEADER = "surety.dlt.topic";
    static final String PARTITION_HEADER = "surety.dlt.partition";
    static final String OFFSET_HEADER = "surety.dlt.offset";
    static final String ATTEMPTS_HEADER = "surety.dlt.attempts";
    static final String ERROR_HEADER = "surety.dlt.error";
    private static final int MAX_ERROR_CHARS = 1000;

    private final String topic;
    private final Producer<K, V> producer;

    DeadLetters(String topic, Producer<K, V> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    Producer<K, V> producer() {
        return producer;
    }

    /**
     * Sends {@code record} to the dead-letter topic and waits for the acknowledgement.
     *
     * @throws ProcessingFailedException (with the send's failure suppressed) if it is not acknowledged
     */
    void send(ConsumerRecord<K, V> record, ProcessingFailedException failure) {
        ProducerRecord<K, V> letter = new ProducerRecord<>(topic, null, record.key(), record.value(), record.headers());
        describe(letter.headers(), record, failure);
        try {
            producer.send(letter).get();
        } catch (ExecutionException e) {
            failure.addSuppressed(e.getCause());
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
            throw failure;
        }
    }

    static void describe(Headers headers, ConsumerRecord<?, ?> record, ProcessingFailedException failure) {
        Throwable cause = failure.getCause() == null ? failure : failure.getCause();
        String error = cause.getClass().getName() + ": " + cause.getMessage();
        if (error.length() > MAX_ERROR_CHARS) {
            error = error.substring(0, MAX_ERROR_CHARS);
        }
        headers.add(TOPIC_HEADER, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(PARTITION_HEADER, ascii(record.partition()));
        headers.add(OFFSET_HEADER, ascii(record.offset()));
        headers.add(ATTEMPTS_HEADER, ascii(failure.attempts()));
        headers.add(ERROR_HEADER, error.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
