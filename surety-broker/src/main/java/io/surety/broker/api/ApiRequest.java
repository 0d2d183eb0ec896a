package io.surety.broker.api;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/** A decoded request and who sent it. Immutable; the body's record bytes belong to this request. */
public record ApiRequest(RequestHeader header, AbstractRequest body, String clientAddress) {

    public short version() {
        return header.apiVersion();
    }
}
