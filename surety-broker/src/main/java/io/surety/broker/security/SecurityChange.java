package io.surety.broker.security;

import java.util.List;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * What a decision on a security request produced: the records to make durable and apply (none when
 * everything was refused), and the answer to give once they are.
 *
 * @param records Kafka's metadata records, applied in this order, whole or not at all
 * @param answer  what the caller answers after the records are durable and applied
 */
public record SecurityChange<T>(List<ApiMessageAndVersion> records, T answer) {

    public SecurityChange {
        records = List.copyOf(records);
    }
}
