package io.surety.broker.producer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands out producer ids that are never reused, even across crashes: ids come from blocks, and a
 * block's end is made durable before any id in it is given out. A restart skips the rest of the
 * block it was in.
 *
 * <p>File {@code producer-ids}: the decimal first id of the next unreserved block, replaced
 * atomically. Thread-safe.
 */
public final class ProducerIdAllocator {

    static final int BLOCK_SIZE = 1000;

    /** Durably records the next unreserved id. */
    public interface BlockStore {
        void write(long nextUnreserved) throws IOException;
    }

    private final BlockStore store;
    private long next;
    private long reservedUntil;

    private ProducerIdAllocator(long firstFree, BlockStore store) {
        this.next = firstFree;
        this.reservedUntil = firstFree;
        this.store = store;
    }

    /** Opens the allocator whose state is in {@code file}, writing through {@code durableWriter}. */
    public static ProducerIdAllocator open(Path file, BlockStore store) throws IOException {
        long firstFree = 0;
        if (Files.exists(file)) {
            firstFree = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        }
        return new ProducerIdAllocator(firstFree, store);
    }

    /** Encodes a block end the way {@link #open} reads it. */
    public static ByteBuffer encode(long nextUnreserved) {
        return ByteBuffer.wrap((nextUnreserved + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public synchronized long nextId() throws IOException {
        if (next == reservedUntil) {
            store.write(reservedUntil + BLOCK_SIZE);
            reservedUntil += BLOCK_SIZE;
        }
        return next++;
    }
}
