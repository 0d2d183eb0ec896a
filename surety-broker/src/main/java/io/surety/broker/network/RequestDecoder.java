package io.surety.broker.network;

import io.surety.broker.api.ApiRequest;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Turns one frame (without its size prefix) into an {@link ApiRequest} using kafka-clients'
 * header and message classes. The frame is hostile: any failure is a {@link BadRequestException}
 * whose message is logged before the connection is closed.
 *
 * <p>Stateless and thread-safe.
 */
final class RequestDecoder {

    /** Which versions of which APIs the broker serves. */
    interface Supported {
        boolean supports(ApiKeys key, short version);
    }

    /** A frame that cannot be served; the connection is closed (or, for ApiVersions, answered). */
    static final class BadRequestException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient RequestHeader header;

        BadRequestException(String message, RequestHeader header) {
            super(message, null, false, false);
            this.header = header;
        }

        /** The parsed header when it could be read, else null. */
        RequestHeader header() {
            return header;
        }
    }

    private final Supported supported;

    RequestDecoder(Supported supported) {
        this.supported = supported;
    }

    /** Parses just the header; the buffer is left at the body. */
    RequestHeader header(ByteBuffer frame) throws BadRequestException {
        try {
            return RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            throw new BadRequestException("unparsable request header (" + e.getMessage() + ")", null);
        }
    }

    /** Parses the body for {@code header}; the buffer must hold exactly the body. */
    ApiRequest body(RequestHeader header, ByteBuffer body, String clientAddress) throws BadRequestException {
        ApiKeys key = header.apiKey();
        if (!supported.supports(key, header.apiVersion())) {
            throw new BadRequestException("unsupported " + key + " version " + header.apiVersion(), header);
        }
        RequestAndSize parsed;
        try {
            parsed = AbstractRequest.parseRequest(key, header.apiVersion(), new ByteBufferAccessor(body));
        } catch (RuntimeException e) {
            throw new BadRequestException("unparsable " + key + " v" + header.apiVersion() + " body (" + e + ")", header);
        }
        if (body.hasRemaining()) {
            throw new BadRequestException(key + " v" + header.apiVersion() + " body has " + body.remaining()
                    + " trailing bytes", header);
        }
        return new ApiRequest(header, parsed.request, clientAddress);
    }
}
