package io.surety.harness;

import java.io.ByteArrayOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-to-upstream direction: forwards every byte unchanged and reports the apiKey, apiVersion
 * and correlationId of each request frame (see {@link KafkaFraming}) as soon as its prefix is seen,
 * before any byte of the chunk is forwarded.
 *
 * <p>If a frame declares a size below the request prefix or above
 * {@link KafkaFraming#MAX_FRAME_BYTES}, the stream is not Kafka: decoding stops for good and bytes
 * keep flowing untouched.
 *
 * <p>Not thread-safe: confined to the thread pumping requests of one connection.
 */
final class RequestHeaderDecoder implements ChunkFilter {

    /** Receives each decoded request prefix. */
    interface Listener {
        void onRequest(short apiKey, short apiVersion, int correlationId);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RequestHeaderDecoder.class);

    private final Listener listener;
    private final byte[] prefix = new byte[KafkaFraming.REQUEST_PREFIX_BYTES];
    private int prefixFill;
    private int bodyRemaining;
    private boolean notKafka;

    RequestHeaderDecoder(Listener listener) {
        this.listener = listener;
    }

    @Override
    public boolean filter(byte[] source, int offset, int length, ByteArrayOutputStream kept) {
        int end = offset + length;
        int i = offset;
        while (i < end && !notKafka) {
            if (bodyRemaining > 0) {
                int n = Math.min(bodyRemaining, end - i);
                i += n;
                bodyRemaining -= n;
                continue;
            }
            prefix[prefixFill++] = source[i++];
            if (prefixFill == prefix.length) {
                prefixFill = 0;
                int size = KafkaFraming.readInt(prefix, 0);
                int sizeAfterPrefix = KafkaFraming.REQUEST_PREFIX_BYTES - Integer.BYTES;
                if (size < sizeAfterPrefix || size > KafkaFraming.MAX_FRAME_BYTES) {
                    LOG.debug("request frame size {} out of bounds; no longer decoding this stream", size);
                    notKafka = true;
                } else {
                    listener.onRequest(KafkaFraming.readShort(prefix, 4), KafkaFraming.readShort(prefix, 6),
                        KafkaFraming.readInt(prefix, 8));
                    bodyRemaining = size - sizeAfterPrefix;
                }
            }
        }
        kept.write(source, offset, length);
        return false;
    }
}
