package io.surety.harness;

/**
 * The byte-level Kafka framing the fault proxy understands, and nothing more.
 *
 * <pre>
 * request frame                          response frame
 * +--------------------------+           +--------------------------+
 * | int32 size (of the rest) |           | int32 size (of the rest) |
 * +--------------------------+           +--------------------------+
 * | int16 apiKey             |           | int32 correlationId      |
 * | int16 apiVersion         |           | ... body ...             |
 * | int32 correlationId      |           +--------------------------+
 * | ... header rest, body ...|
 * +--------------------------+
 * </pre>
 *
 * <p>All integers are big-endian. Kafka answers the requests of one connection in order, except
 * that a request may get no answer at all (Produce with acks=0), so responses are matched to
 * requests by correlation id, never by position.
 */
final class KafkaFraming {

    /** Size prefix plus apiKey, apiVersion and correlationId. */
    static final int REQUEST_PREFIX_BYTES = 12;

    /** Size prefix plus correlationId. */
    static final int RESPONSE_PREFIX_BYTES = 8;

    /**
     * A frame declaring more than this is taken as a sign that the stream is not Kafka; the proxy
     * then stops interpreting it and forwards it untouched. No buffer is ever sized from a length.
     */
    static final int MAX_FRAME_BYTES = 1 << 30;

    private KafkaFraming() {
    }

    static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 24
            | (bytes[offset + 1] & 0xff) << 16
            | (bytes[offset + 2] & 0xff) << 8
            | bytes[offset + 3] & 0xff;
    }

    static short readShort(byte[] bytes, int offset) {
        return (short) ((bytes[offset] & 0xff) << 8 | bytes[offset + 1] & 0xff);
    }
}
