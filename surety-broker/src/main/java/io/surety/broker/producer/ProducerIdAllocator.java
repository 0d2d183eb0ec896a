package io.surety.broker.producer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands out producer ids that are never reused, even across crashes: ids come from blocks, and a
 * block is reserved durably ({@link BlockSource}) before any id in it is given out. A restart skips
 * the rest of the block it was in.
 *
 * <p>On a single node the blocks are reserved in the file {@code producer-ids}: the decimal first id
 * of the next unreserved block, replaced atomically ({@link #open}). In a cluster the controller hands
 * them out, so no two brokers ever give out the same id. Thread-safe.
 */
public final class ProducerIdAllocator {

    static final int BLOCK_SIZE = 1000;

    /** Durably records the next unreserved id (the single node's file). */
    public interface BlockStore {
        void write(long nextUnreserved) throws IOException;
    }

    /** Reserves the next block of ids, durably, for this broker alone. */
    public interface BlockSource {
        Block reserve() throws IOException;
    }

    /** The ids {@code [firstId, firstId + size)}. */
    public record Block(long firstId, int size) {
        public Block {
            if (firstId < 0 || size < 1) {
                throw new IllegalArgumentException("Invalid producer id block " + firstId + "+" + size);
            }
        }
    }

    private final BlockSource source;
    private long next;
    private long blockEnd;

    private ProducerIdAllocator(BlockSource source) {
        this.source = source;
    }

    /** Opens the allocator whose state is in {@code file}, writing through {@code store}. */
    public static ProducerIdAllocator open(Path file, BlockStore store) throws IOException {
        long firstFree = 0;
        if (Files.exists(file)) {
            firstFree = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        }
        long[] reservedUntil = {firstFree};
        return new ProducerIdAllocator(() -> {
            store.write(reservedUntil[0] + BLOCK_SIZE);
            Block block = new Block(reservedUntil[0], BLOCK_SIZE);
            reservedUntil[0] += BLOCK_SIZE;
            return block;
        });
    }

    /** An allocator whose blocks come from {@code source} (the cluster's controller). */
    public static ProducerIdAllocator fromBlocks(BlockSource source) {
        return new ProducerIdAllocator(source);
    }

    /** Encodes a block end the way {@link #open} reads it. */
    public static ByteBuffer encode(long nextUnreserved) {
        return ByteBuffer.wrap((nextUnreserved + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The next id, reserving a new block first when the current one is used up.
     *
     * @throws ProducerIdsUnavailableException when no block can be reserved now (the controller is
     *     not reachable); the producer retries
     * @throws IOException when the reservation could not be made durable
     */
    public synchronized long nextId() throws IOException {
        if (next == blockEnd) {
            Block block = source.reserve();
            next = block.firstId();
            blockEnd = block.firstId() + block.size();
        }
        return next++;
    }
}
