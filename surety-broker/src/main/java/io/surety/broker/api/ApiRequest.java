package io.surety.broker.api;

import java.util.Objects;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * A decoded request, who sent it and where it arrived. Immutable; the body's record bytes belong to
 * this request.
 *
 * @param listenerName the listener the connection came in on ({@code PLAINTEXT}, {@code INTERNAL},
 *     ...), upper case: the responses that name brokers give each broker's endpoint on this listener,
 *     as Kafka's do
 * @param principal who the connection authenticated as: {@code User:<name>} on a SASL listener,
 *     {@code User:ANONYMOUS} elsewhere (what authorization will check)
 */
public record ApiRequest(RequestHeader header, AbstractRequest body, String clientAddress, String listenerName,
        KafkaPrincipal principal) {

    public ApiRequest {
        Objects.requireNonNull(principal, "principal");
    }

    /** A request from an unauthenticated connection ({@code User:ANONYMOUS}). */
    public ApiRequest(RequestHeader header, AbstractRequest body, String clientAddress, String listenerName) {
        this(header, body, clientAddress, listenerName, KafkaPrincipal.ANONYMOUS);
    }

    public short version() {
        return header.apiVersion();
    }
}
