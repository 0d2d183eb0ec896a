package io.surety.harness;

import java.io.ByteArrayOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream-to-client direction: forwards response frames (see {@link KafkaFraming}) except those
 * whose correlation id is in {@link PendingDrops}, which are swallowed whole.
 *
 * <p>When swallowing stops the connection ({@code closeAfterSwallow}), {@link #filter} reports it
 * as soon as the swallowed frame is complete, and nothing after that frame is forwarded: a Kafka
 * client that saw a later response would fail on the correlation mismatch instead of retrying.
 *
 * <p>Not thread-safe: confined to the thread pumping responses of one connection.
 *
 * <p>Implementation notes: the 8-byte prefix of a frame is held back only while some drop is
 * pending on the connection; otherwise each byte is forwarded at once, so a stream that is not
 * Kafka is never stalled waiting for a prefix that never completes. A claim is always added before
 * its request is forwarded, so it is pending before the first byte of its response is read. A
 * size below 4 or above {@link KafkaFraming#MAX_FRAME_BYTES} ends decoding for good.
 */
final class ResponseFrameFilter implements ChunkFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseFrameFilter.class);

    private final PendingDrops drops;
    private final Runnable onSwallowed;
    private final boolean closeAfterSwallow;
    private final byte[] prefix = new byte[KafkaFraming.RESPONSE_PREFIX_BYTES];
    private int prefixFill;
    private boolean holdingPrefix;
    private int bodyRemaining;
    private boolean swallowing;
    private int correlationId;
    private boolean notKafka;

    ResponseFrameFilter(PendingDrops drops, Runnable onSwallowed, boolean closeAfterSwallow) {
        this.drops = drops;
        this.onSwallowed = onSwallowed;
        this.closeAfterSwallow = closeAfterSwallow;
    }

    @Override
    public boolean filter(byte[] source, int offset, int length, ByteArrayOutputStream kept) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            if (notKafka) {
                kept.write(source, i, end - i);
                return false;
            }
            if (bodyRemaining > 0) {
                int n = Math.min(bodyRemaining, end - i);
                if (!swallowing) {
                    kept.write(source, i, n);
                }
                i += n;
                bodyRemaining -= n;
                if (bodyRemaining == 0 && endFrame()) {
                    return true;
                }
                continue;
            }
            if (prefixFill == 0) {
                holdingPrefix = !drops.isEmpty();
            }
            byte b = source[i++];
            prefix[prefixFill++] = b;
            if (!holdingPrefix) {
                kept.write(b);
            }
            if (prefixFill == prefix.length && startFrame(kept)) {
                return true;
            }
        }
        return false;
    }

    /** Called with a complete prefix; returns whether the connection must close now. */
    private boolean startFrame(ByteArrayOutputStream kept) {
        prefixFill = 0;
        int size = KafkaFraming.readInt(prefix, 0);
        int sizeAfterPrefix = KafkaFraming.RESPONSE_PREFIX_BYTES - Integer.BYTES;
        if (size < sizeAfterPrefix || size > KafkaFraming.MAX_FRAME_BYTES) {
            LOG.debug("response frame size {} out of bounds; no longer decoding this stream", size);
            notKafka = true;
            if (holdingPrefix) {
                kept.write(prefix, 0, prefix.length);
            }
            return false;
        }
        correlationId = KafkaFraming.readInt(prefix, 4);
        swallowing = holdingPrefix && drops.contains(correlationId);
        if (holdingPrefix && !swallowing) {
            kept.write(prefix, 0, prefix.length);
        }
        bodyRemaining = size - sizeAfterPrefix;
        return bodyRemaining == 0 && endFrame();
    }

    /** Called when a frame is complete; returns whether the connection must close now. */
    private boolean endFrame() {
        if (!swallowing) {
            return false;
        }
        swallowing = false;
        if (drops.complete(correlationId)) {
            onSwallowed.run();
        }
        return closeAfterSwallow;
    }
}
