package io.surety.broker.log;

/**
 * What a read returns: the bytes to send (null when nothing is readable), the log's bounds at
 * the time of the read, and {@code upperBoundOffset}: no returned byte belongs to a batch at or
 * after it (read_committed fetches report the aborted transactions that start below it).
 */
public record ReadResult(FileSlice slice, long highWatermark, long logStartOffset, long logEndOffset,
        long upperBoundOffset) {

    public ReadResult(FileSlice slice, long highWatermark, long logStartOffset, long logEndOffset) {
        this(slice, highWatermark, logStartOffset, logEndOffset, highWatermark);
    }

    public int sizeInBytes() {
        return slice == null ? 0 : slice.sizeInBytes();
    }
}
