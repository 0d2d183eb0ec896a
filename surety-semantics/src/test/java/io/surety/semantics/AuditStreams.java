package io.surety.semantics;

import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;

/** Builds consumer records as a broker would hand back stamped producer records. */
final class AuditStreams {

    private AuditStreams() {
    }

    /** The consumer-side view of {@code sent}, read from {@code partition} at {@code offset}. */
    static ConsumerRecord<String, String> delivered(ProducerRecord<String, String> sent, int partition, long offset) {
        return new ConsumerRecord<>(sent.topic(), partition, offset, 0L, TimestampType.CREATE_TIME, -1, -1,
                sent.key(), sent.value(), sent.headers(), Optional.empty());
    }
}
