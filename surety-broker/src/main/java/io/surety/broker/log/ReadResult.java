package io.surety.broker.log;

/**
 * What a read returns: the bytes to send (null when nothing is readable) and the log's bounds at
 * the time of the read.
 */
public record ReadResult(FileSlice slice, long highWatermark, long logStartOffset, long logEndOffset) {

    public int sizeInBytes() {
        return slice == null ? 0 : slice.sizeInBytes();
    }
}
