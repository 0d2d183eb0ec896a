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
 *     {@code User:ANONYMOUS} elsewhere (what authorization checks)
 * @param access what the principal may do, as {@link AccessRules} decided before the handler runs;
 *     {@link Access#ALL} without an authorizer
 * @param sizeInBytes the request's body bytes, as the byte-rate quotas count a produce
 */
public record ApiRequest(RequestHeader header, AbstractRequest body, String clientAddress, String listenerName,
        KafkaPrincipal principal, Access access, int sizeInBytes) {

    public ApiRequest {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(access, "access");
    }

    /** A request whose size is not known (0): what the quotas count for it. */
    public ApiRequest(RequestHeader header, AbstractRequest body, String clientAddress, String listenerName,
            KafkaPrincipal principal, Access access) {
        this(header, body, clientAddress, listenerName, principal, access, 0);
    }

    /** A request not checked yet: everything allowed until {@link ApiDispatcher} applies the rules. */
    public ApiRequest(RequestHeader header, AbstractRequest body, String clientAddress, String listenerName,
            KafkaPrincipal principal) {
        this(header, body, clientAddress, listenerName, principal, Access.ALL);
    }

    /** A request from an unauthenticated connection ({@code User:ANONYMOUS}). */
    public ApiRequest(RequestHeader header, AbstractRequest body, String clientAddress, String listenerName) {
        this(header, body, clientAddress, listenerName, KafkaPrincipal.ANONYMOUS);
    }

    /** This request, with what its rule decided. */
    ApiRequest withAccess(Access decided) {
        return new ApiRequest(header, body, clientAddress, listenerName, principal, decided, sizeInBytes);
    }

    public short version() {
        return header.apiVersion();
    }
}
