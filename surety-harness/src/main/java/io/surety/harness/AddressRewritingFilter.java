package io.surety.harness;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream-to-client direction: passes response frames through, except the answers to requests
 * registered in {@code rewrites} (Metadata, FindCoordinator, DescribeCluster), which are held
 * whole and forwarded with the broker addresses pointing at the proxy (see {@link BrokerAddresses}).
 *
 * <p>Not thread-safe: confined to the thread pumping responses of one connection. The request
 * side registers a correlation id before forwarding its request, so the registration is visible
 * before the first byte of the response is read.
 *
 * <p>Only the 8-byte prefix is held while rewrites are pending on the connection; other frames
 * stream through byte by byte. A frame that cannot be parsed is forwarded unchanged (the client
 * then sees the real address, which is a clearer failure than a corrupted frame).
 */
final class AddressRewritingFilter implements ChunkFilter {

    private static final Logger LOG = LoggerFactory.getLogger(AddressRewritingFilter.class);

    /** The API key and version of a request whose response must be rewritten. */
    record Rewrite(short apiKey, short apiVersion) {
    }

    private final Map<Integer, Rewrite> rewrites;
    private final BrokerAddresses addresses;
    private final byte[] prefix = new byte[KafkaFraming.RESPONSE_PREFIX_BYTES];
    private int prefixFill;
    private boolean holdingPrefix;
    private int bodyRemaining;
    private Rewrite current;
    private ByteArrayOutputStream held;
    private boolean notKafka;

    AddressRewritingFilter(Map<Integer, Rewrite> rewrites, BrokerAddresses addresses) {
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
                (current != null ? held : kept).write(source, i, n);
                i += n;
                bodyRemaining -= n;
                if (bodyRemaining == 0) {
                    endFrame(kept);
                }
                continue;
            }
            if (prefixFill == 0) {
                holdingPrefix = !rewrites.isEmpty();
            }
            byte b = source[i++];
            prefix[prefixFill++] = b;
            if (!holdingPrefix) {
                kept.write(b);
            }
            if (prefixFill == prefix.length) {
                startFrame(kept);
            }
        }
        return false;
    }

    private void startFrame(ByteArrayOutputStream kept) {
        prefixFill = 0;
        int size = KafkaFraming.readInt(prefix, 0);
        int sizeAfterPrefix = KafkaFraming.RESPONSE_PREFIX_BYTES - Integer.BYTES;
        if (size < sizeAfterPrefix || size > KafkaFraming.MAX_FRAME_BYTES) {
            LOG.debug("response frame size {} out of bounds; no longer decoding this stream", size);
            notKafka = true;
            if (holdingPrefix) {
                kept.write(prefix, 0, prefix.length);
            }
            return;
        }
        current = holdingPrefix ? rewrites.remove(KafkaFraming.readInt(prefix, 4)) : null;
        if (current != null) {
            held = new ByteArrayOutputStream(Math.min(size, 1 << 20));
            held.write(prefix, 4, prefix.length - 4);
        } else if (holdingPrefix) {
            kept.write(prefix, 0, prefix.length);
        }
        bodyRemaining = size - sizeAfterPrefix;
        if (bodyRemaining == 0) {
            endFrame(kept);
        }
    }

    private void endFrame(ByteArrayOutputStream kept) {
        if (current == null) {
            return;
        }
        byte[] body = held.toByteArray();
        try {
            kept.writeBytes(addresses.rewrite(current.apiKey(), current.apiVersion(), body));
        } catch (RuntimeException e) {
            LOG.warn("could not rewrite broker addresses in a response to api key {} v{}; forwarded as is",
                    current.apiKey(), current.apiVersion(), e);
            kept.write(prefix, 0, Integer.BYTES);
            kept.writeBytes(body);
        }
        current = null;
        held = null;
    }
}
