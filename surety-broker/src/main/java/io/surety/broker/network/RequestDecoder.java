package io.surety.broker.network;

import io.surety.broker.api.Access;
import io.surety.broker.api.ApiRequest;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Turns one frame (without its size prefix) into an {@link ApiRequest} using kafka-clients'
 * header and message classes. The frame is hostile: any failure is a {@link BadRequestException}
 * whose message is logged before the connection is closed.
 *
 * <p>Bytes left in the frame after the body the schema reads are ignored, as Apache Kafka ignores
 * them, and reported in {@link Decoded#trailingBytes()} so they can be counted. librdkafka's
 * "all topics" Metadata request (v9+) leaves three: it reserves four bytes for the topic array's
 * count, writes a one-byte null count into the first and never removes the other three, which
 * the schema then reads as the request's last fields. Only bytes after the body are ignored;
 * record batches inside a body are checked exactly elsewhere.
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

    /** A decoded request and how many bytes followed its body in the frame (ignored). */
    record Decoded(ApiRequest request, int trailingBytes) {
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

    /**
     * Parses the body for {@code header} from {@code body}, the rest of the frame after the header,
     * for a request from {@code clientAddress}, authenticated as {@code principal}, that arrived on
     * listener {@code listenerName}.
     */
    Decoded body(RequestHeader header, ByteBuffer body, String clientAddress, String listenerName,
            KafkaPrincipal principal) throws BadRequestException {
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
        return new Decoded(new ApiRequest(header, parsed.request, clientAddress, listenerName, principal, Access.ALL,
                parsed.size),
                body.remaining());
    }
}
