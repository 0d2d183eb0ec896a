package io.surety.harness;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream-to-client direction: forwards response frames (see {@link KafkaFraming}), except
 * <ul>
 *   <li>those whose correlation id is in {@link PendingDrops}, which are swallowed whole, and</li>
 *   <li>those registered in {@code rewrites} (answers to Metadata, FindCoordinator and
 *       DescribeCluster when the proxy rewrites broker addresses), which are held whole and
 *       forwarded with the addresses pointing at the proxy (see {@link BrokerAddresses}).</li>
 * </ul>
 *
 * <p>When swallowing stops the connection ({@code closeAfterSwallow}), {@link #filter} reports it
 * as soon as the swallowed frame is complete, and nothing after that frame is forwarded: a Kafka
 * client that saw a later response would fail on the correlation mismatch instead of retrying.
 *
 * <p>Not thread-safe: confined to the thread pumping responses of one connection. The request side
 * registers a drop or a rewrite before forwarding its request, so it is visible before the first
 * byte of the response is read.
 *
 * <p>Implementation notes: the 8-byte prefix of a frame is held back only while some drop or
 * rewrite is pending on the connection; otherwise each byte is forwarded at once, so a stream that
 * is not Kafka is never stalled waiting for a prefix that never completes. A size below 4 or above
 * {@link KafkaFraming#MAX_FRAME_BYTES} ends decoding for good. A frame that cannot be rewritten is
 * forwarded unchanged (the client then sees the real address: a clearer failure than a corrupt frame).
 */
final class ResponseFrameFilter implements ChunkFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseFrameFilter.class);

    /** The API key and version of a request whose response carries broker addresses to rewrite. */
    record Rewrite(short apiKey, short apiVersion) {
    }

    private enum Fate { FORWARD, SWALLOW, REWRITE }

    private final PendingDrops drops;
    private final Runnable onSwallowed;
    private final boolean closeAfterSwallow;
    private final Map<Integer, Rewrite> rewrites;
    private final BrokerAddresses addresses;
    private final byte[] prefix = new byte[KafkaFraming.RESPONSE_PREFIX_BYTES];
    private int prefixFill;
    private boolean holdingPrefix;
    private int bodyRemaining;
    private Fate fate = Fate.FORWARD;
    private int correlationId;
    private Rewrite rewrite;
    private ByteArrayOutputStream held;
    private boolean notKafka;

    ResponseFrameFilter(PendingDrops drops, Runnable onSwallowed, boolean closeAfterSwallow) {
        this(drops, onSwallowed, closeAfterSwallow, new ConcurrentHashMap<>(), null);
    }

    /** @param addresses where rewritten responses point brokers; null when nothing is rewritten */
    ResponseFrameFilter(PendingDrops drops, Runnable onSwallowed, boolean closeAfterSwallow,
                        Map<Integer, Rewrite> rewrites, BrokerAddresses addresses) {
        this.drops = drops;
        this.onSwallowed = onSwallowed;
        this.closeAfterSwallow = closeAfterSwallow;
        this.rewrites = rewrites;
        this.addresses = addresses;
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
                switch (fate) {
                    case FORWARD -> kept.write(source, i, n);
                    case REWRITE -> held.write(source, i, n);
                    case SWALLOW -> { }
                }
                i += n;
                bodyRemaining -= n;
                if (bodyRemaining == 0 && endFrame(kept)) {
                    return true;
                }
                continue;
            }
            if (prefixFill == 0) {
                holdingPrefix = !drops.isEmpty() || !rewrites.isEmpty();
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
        fate = decide();
        switch (fate) {
            case FORWARD -> {
                if (holdingPrefix) {
                    kept.write(prefix, 0, prefix.length);
                }
            }
            case REWRITE -> {
                held = new ByteArrayOutputStream(Math.min(size, 1 << 20));
                held.write(prefix, Integer.BYTES, prefix.length - Integer.BYTES);
            }
            case SWALLOW -> { }
        }
        bodyRemaining = size - sizeAfterPrefix;
        return bodyRemaining == 0 && endFrame(kept);
    }

    private Fate decide() {
        if (!holdingPrefix) {
            return Fate.FORWARD;
        }
        if (drops.contains(correlationId)) {
            return Fate.SWALLOW;
        }
        rewrite = rewrites.remove(correlationId);
        return rewrite != null ? Fate.REWRITE : Fate.FORWARD;
    }

    /** Called when a frame is complete; returns whether the connection must close now. */
    private boolean endFrame(ByteArrayOutputStream kept) {
        Fate ended = fate;
        fate = Fate.FORWARD;
        if (ended == Fate.REWRITE) {
            forwardRewritten(kept);
            return false;
        }
        if (ended != Fate.SWALLOW) {
            return false;
        }
        rewrites.remove(correlationId);
        if (drops.complete(correlationId)) {
            onSwallowed.run();
        }
        return closeAfterSwallow;
    }

    private void forwardRewritten(ByteArrayOutputStream kept) {
        byte[] body = held.toByteArray();
        held = null;
        try {
            kept.writeBytes(addresses.rewrite(rewrite.apiKey(), rewrite.apiVersion(), body));
        } catch (RuntimeException e) {
            LOG.warn("could not rewrite broker addresses in a response to api key {} v{}; forwarded as is",
                    rewrite.apiKey(), rewrite.apiVersion(), e);
            kept.write(prefix, 0, Integer.BYTES);
            kept.writeBytes(body);
        }
    }
}
