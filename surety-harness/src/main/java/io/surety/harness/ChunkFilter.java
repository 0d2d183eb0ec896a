package io.surety.harness;

import java.io.ByteArrayOutputStream;

/**
 * One direction of a proxied connection: decides which bytes of each chunk read from one socket
 * are written to the other.
 *
 * <p>Not thread-safe: an instance is confined to the single thread pumping its direction.
 */
interface ChunkFilter {

    /**
     * Appends to {@code kept} the bytes of {@code source[offset, offset + length)} to forward.
     * The caller owns both buffers; nothing is retained after the call returns.
     *
     * @return {@code true} if the connection must be closed once {@code kept} has been written;
     *     the rest of the chunk was then not examined
     */
    boolean filter(byte[] source, int offset, int length, ByteArrayOutputStream kept);
}
