package io.surety.broker.record;

import io.surety.broker.log.FileSlice;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Records that stay in a segment file until they are written to the socket: a fetch response
 * carries this in its {@code records} field and the network layer sends the slice with sendfile.
 * kafka-clients' size pass counts it as zero-copy bytes; only Surety's response writer knows how
 * to send it.
 */
public final class FileSliceRecords implements BaseRecords {

    private final FileSlice slice;

    public FileSliceRecords(FileSlice slice) {
        this.slice = slice;
    }

    public FileSlice slice() {
        return slice;
    }

    @Override
    public int sizeInBytes() {
        return slice.sizeInBytes();
    }

    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("Sent by Surety's response writer, not by a Kafka Send");
    }
}
