package io.surety.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.surety.broker.log.FileSlice;
import io.surety.broker.record.FileSliceRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Encodes a response frame (size, header, body) with kafka-clients' generated message classes
 * into the pieces Netty writes: heap bytes for the message fields, and a {@link FileSliceRegion}
 * wherever a fetch carries records that are still in a segment file.
 *
 * <p>Ownership: {@link #encode} returns buffers and regions owned by the caller, who passes each
 * to {@code ChannelHandlerContext.write} (which releases them). Not thread-safe; one per response.
 *
 * <p>Implementation notes: the same {@link ObjectSerializationCache} is used for the size pass and
 * the write pass, as the generated classes require (compact strings cache their bytes there).
 */
final class ResponseWriter implements Writable {

    private final ByteBuf buffer;
    private final List<Object> parts = new ArrayList<>(3);
    private int partStart;

    private ResponseWriter(ByteBuf buffer) {
        this.buffer = buffer;
    }

    /** Encodes one response; returns the frame's parts in order. */
    static List<Object> encode(ByteBufAllocator allocator, ResponseHeader header, ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        short headerVersion = header.headerVersion();
        header.data().addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ByteBuf buffer = allocator.heapBuffer(4 + size.sizeExcludingZeroCopy());
        ResponseWriter writer = new ResponseWriter(buffer);
        try {
            writer.writeInt(size.totalSize());
            header.data().write(writer, cache, headerVersion);
            body.write(writer, cache, version);
            return writer.finish();
        } catch (RuntimeException e) {
            writer.parts.forEach(io.netty.util.ReferenceCountUtil::release);
            buffer.release();
            throw e;
        }
    }

    private List<Object> finish() {
        cutPart();
        buffer.release();
        return parts;
    }

    private void cutPart() {
        int end = buffer.writerIndex();
        if (end > partStart) {
            parts.add(buffer.retainedSlice(partStart, end - partStart));
        }
        partStart = end;
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof FileSliceRecords fileRecords) {
            FileSlice slice = fileRecords.slice();
            cutPart();
            parts.add(new FileSliceRegion(slice.channel(), slice.position(), slice.sizeInBytes()));
        } else if (records instanceof MemoryRecords memory) {
            writeByteBuffer(memory.buffer());
        } else {
            throw new IllegalArgumentException("Cannot send records of type " + records.getClass().getName());
        }
    }

    @Override
    public void writeByte(byte val) {
        buffer.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        buffer.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        buffer.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        buffer.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        buffer.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        buffer.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        int value = i;
        while ((value & 0xFFFFFF80) != 0) {
            buffer.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer.writeByte(value);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        buffer.writeBytes(buf.duplicate());
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long value = (i << 1) ^ (i >> 63);
        while ((value & 0xFFFFFFFFFFFFFF80L) != 0L) {
            buffer.writeByte(((int) value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer.writeByte((int) value);
    }

    @Override
    public void writeUuid(Uuid uuid) {
        buffer.writeLong(uuid.getMostSignificantBits());
        buffer.writeLong(uuid.getLeastSignificantBits());
    }
}
