package io.surety.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;

/**
 * A {@link FileSliceRegion}'s bytes as chunks of at most {@value #CHUNK_BYTES}, for a TLS connection:
 * TLS must encrypt the bytes, so they cannot go from the file to the socket by sendfile, and Netty's
 * {@code SslHandler} refuses file regions. 32 KiB is the chunk Kafka reads under TLS too. Like the
 * region it never closes the segment's channel (Netty's {@code ChunkedNioFile} would); closing it
 * releases the region. Used by one connection's event loop.
 */
final class FileSliceChunks implements ChunkedInput<ByteBuf> {

    static final int CHUNK_BYTES = 32 * 1024;

    private final FileSliceRegion region;
    private long sent;
    private boolean released;

    FileSliceChunks(FileSliceRegion region) {
        this.region = region;
    }

    @Override
    public boolean isEndOfInput() {
        return sent >= region.count();
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (isEndOfInput()) {
            return null;
        }
        int length = (int) Math.min(CHUNK_BYTES, region.count() - sent);
        ByteBuf chunk = allocator.buffer(length);
        try {
            long at = region.position() + sent;
            while (chunk.readableBytes() < length) {
                int read = chunk.writeBytes(region.file(), at + chunk.readableBytes(), length - chunk.readableBytes());
                if (read < 0) {
                    throw new IOException("Segment file shrank below the slice being sent");
                }
            }
        } catch (IOException | RuntimeException e) {
            chunk.release();
            throw e;
        }
        sent += length;
        return chunk;
    }

    @Override
    public long length() {
        return region.count();
    }

    @Override
    public long progress() {
        return sent;
    }

    /** Releases the region; the segment keeps its channel. */
    @Override
    public void close() {
        if (!released) {
            released = true;
            region.release();
        }
    }
}
