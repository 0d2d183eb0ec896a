package io.surety.broker;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Follows, byte for byte, how the broker cuts one connection's stream into frames (a 4-byte
 * unsigned size, then that many bytes, at most {@code socket.request.max.bytes}), and predicts
 * what the broker must do with each whole frame. The fuzzer uses it to know when its stream is
 * at a frame boundary and what to expect back. Not thread-safe: one per connection.
 */
final class BrokerFraming {

    /** What the broker must do with one frame. */
    sealed interface Expectation {
    }

    /** Close the connection: unparsable, unknown or unsupported. */
    record Reject(String why) implements Expectation {
    }

    /**
     * Answer exactly once, in order, with a response to {@code key} that decodes at
     * {@code responseVersion}, possibly only after {@code maxWaitMs} (a fetch waiting for data).
     */
    record Answer(int correlationId, ApiKeys key, short responseVersion, int maxWaitMs) implements Expectation {
    }

    /** No answer (produce with acks=0); the connection may be closed if the produce failed. */
    record Silent() implements Expectation {
    }

    /** Which API versions the broker serves. */
    interface Supported {
        boolean supports(ApiKeys key, short version);
    }

    private final long maxFrameBytes;
    private final Supported supported;
    private final byte[] size = new byte[4];
    private int sizeFill;
    private byte[] body;
    private int bodyFill;
    private boolean oversized;

    BrokerFraming(int maxFrameBytes, Supported supported) {
        this.maxFrameBytes = maxFrameBytes;
        this.supported = supported;
    }

    /** Feeds bytes as sent; returns the whole frames (without size prefix) they complete. */
    List<byte[]> feed(byte[] bytes) {
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (at < bytes.length && !oversized) {
            if (body == null) {
                size[sizeFill++] = bytes[at++];
                if (sizeFill == 4) {
                    sizeFill = 0;
                    long declared = ByteBuffer.wrap(size).getInt() & 0xFFFFFFFFL;
                    if (declared > maxFrameBytes) {
                        oversized = true;
                    } else {
                        body = new byte[(int) declared];
                        bodyFill = 0;
                    }
                }
            } else {
                int n = Math.min(body.length - bodyFill, bytes.length - at);
                System.arraycopy(bytes, at, body, bodyFill, n);
                bodyFill += n;
                at += n;
            }
            if (body != null && bodyFill == body.length) {
                frames.add(body);
                body = null;
            }
        }
        return frames;
    }

    /** Whether a size above the limit was sent: the broker closes and reads nothing more. */
    boolean oversized() {
        return oversized;
    }

    /** Bytes still needed to reach the next frame boundary as far as they are known (the size field first). */
    int bytesToBoundary() {
        if (sizeFill > 0) {
            return 4 - sizeFill;
        }
        return body == null ? 0 : body.length - bodyFill;
    }

    /** What the broker must do with {@code frame}, decided with the same kafka-clients parsers it uses. */
    Expectation expect(byte[] frame) {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            return new Reject("header: " + e);
        }
        ApiKeys key = header.apiKey();
        if (!supported.supports(key, header.apiVersion())) {
            return key == ApiKeys.API_VERSIONS ? new Answer(header.correlationId(), key, (short) 0, 0)
                    : new Reject("unsupported " + key + " v" + header.apiVersion());
        }
        ByteBuffer bodyBytes = buffer.slice();
        RequestAndSize parsed;
        try {
            parsed = AbstractRequest.parseRequest(key, header.apiVersion(), new ByteBufferAccessor(bodyBytes));
        } catch (RuntimeException e) {
            return new Reject("body: " + e);
        }
        // Bytes left after the body are ignored, as Kafka ignores them: the request is served.
        if (parsed.request instanceof ProduceRequest produce && produce.acks() == 0) {
            return new Silent();
        }
        if (parsed.request instanceof FetchRequest fetch) {
            return new Answer(header.correlationId(), key, header.apiVersion(), Math.max(0, fetch.maxWait()));
        }
        return new Answer(header.correlationId(), key, header.apiVersion(), 0);
    }
}
