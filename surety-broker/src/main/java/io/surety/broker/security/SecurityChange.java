package io.surety.broker.security;

import java.util.List;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * What a decision about security state produced: the records to make durable and replay (none
 * when nothing changes), and the answer to give once they are applied.
 *
 * @param <T> the answer's type
 */
public record SecurityChange<T>(List<ApiMessageAndVersion> records, T answer) {

    public SecurityChange {
        records = List.copyOf(records);
    }
}
