package io.surety.broker.cleaner;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's fixed-size map from a key to the offset of its latest record in the section being
 * cleaned. Keys are stored as 128-bit MD5 digests (24 bytes a slot with the offset), so memory is
 * bounded whatever the keys' sizes; when the map is full the cleaning pass stops adding keys and
 * cleans only the prefix of the dirty section it covers.
 *
 * <p>Not thread-safe: each cleaner thread owns one.
 *
 * <p>Implementation notes: open addressing with double hashing over three parallel arrays; the
 * slot count is a power of two and the step odd, so a probe visits every slot. A
 * digest collision between two keys would let one key's record hide the other's; with 128 bits
 * that needs about 2^64 keys. MD5 is used as a hash here, not for security.
 */
final class KeyOffsetMap {

    static final int BYTES_PER_SLOT = 24;
    private static final long EMPTY = -1;

    private final int slots;
    private final int maxEntries;
    private final long[] digestHigh;
    private final long[] digestLow;
    private final long[] offsets;
    private final MessageDigest md5;
    private final byte[] scratch = new byte[256];
    private int entries;

    KeyOffsetMap(long memoryBytes, double loadFactor) {
        long wanted = Math.max(16, Math.min(memoryBytes / BYTES_PER_SLOT, 1 << 30));
        this.slots = Integer.highestOneBit((int) wanted);
        this.maxEntries = Math.min(slots - 1, (int) (slots * loadFactor));
        this.digestHigh = new long[slots];
        this.digestLow = new long[slots];
        this.offsets = new long[slots];
        Arrays.fill(offsets, EMPTY);
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /** Whether {@code more} new keys may still be added. */
    boolean hasRoomFor(int more) {
        return entries + (long) more <= maxEntries;
    }

    int size() {
        return entries;
    }

    int capacity() {
        return maxEntries;
    }

    void clear() {
        Arrays.fill(offsets, EMPTY);
        entries = 0;
    }

    /** Records that {@code key}'s latest record is at {@code offset} (offsets are put in increasing order). */
    void put(ByteBuffer key, long offset) {
        digest(key);
        int slot = find();
        if (offsets[slot] == EMPTY) {
            if (entries >= slots - 1) {
                throw new IllegalStateException("Key offset map is full");
            }
            digestHigh[slot] = high;
            digestLow[slot] = low;
            entries++;
        }
        offsets[slot] = offset;
    }

    /** The offset of {@code key}'s latest record, or -1 if the key is not in the map. */
    long get(ByteBuffer key) {
        digest(key);
        return offsets[find()];
    }

    private long high;
    private long low;

    private void digest(ByteBuffer key) {
        ByteBuffer view = key.duplicate();
        while (view.hasRemaining()) {
            int n = Math.min(view.remaining(), scratch.length);
            view.get(scratch, 0, n);
            md5.update(scratch, 0, n);
        }
        ByteBuffer digest = ByteBuffer.wrap(md5.digest());
        high = digest.getLong();
        low = digest.getLong();
    }

    /** The slot holding the current digest, or the empty slot where it belongs. */
    private int find() {
        int mask = slots - 1;
        int slot = (int) high & mask;
        int step = (int) low | 1;
        while (offsets[slot] != EMPTY && (digestHigh[slot] != high || digestLow[slot] != low)) {
            slot = (slot + step) & mask;
        }
        return slot;
    }
}
