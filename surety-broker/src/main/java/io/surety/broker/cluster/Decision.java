package io.surety.broker.cluster;

import java.util.List;
import java.util.Objects;

/**
 * What a controller decision returns: the records to propose and the answer for whoever asked.
 * The answer may be sent only once the records are committed (or at once when there are none),
 * as with Kafka's {@code ControllerResult}. Immutable.
 *
 * @param records one quorum entry's worth, applied whole or not at all; empty when nothing changes
 * @param answer Kafka's response message or error for the request
 */
public record Decision<T>(List<ClusterRecord> records, T answer) {

    public Decision {
        records = List.copyOf(records);
    }

    static <T> Decision<T> answer(T answer) {
        return new Decision<>(List.of(), Objects.requireNonNull(answer, "answer"));
    }
}
