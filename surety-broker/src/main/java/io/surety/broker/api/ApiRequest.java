package io.surety.broker.api;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A decoded request, who sent it and where it arrived. Immutable; the body's record bytes belong to
 * this request.
 *
 * @param listenerName the listener the connection came in on ({@code PLAINTEXT}, {@code INTERNAL},
 *     ...), upper case: the responses that name brokers give each broker's endpoint on this listener,
 *     as Kafka's do
 */
public record ApiRequest(RequestHeader header, AbstractRequest body, String clientAddress, String listenerName) {

    public short version() {
        return header.apiVersion();
    }
}
