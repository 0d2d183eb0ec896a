package io.surety.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Kafka's framing (a 4-byte big-endian size, then that many bytes) with a limit that may change
 * between frames: on a SASL connection {@code sasl.server.max.receive.size} until it is authenticated,
 * {@code socket.request.max.bytes} after. The limit is asked when a frame's size arrives, so a frame
 * over it fails before one byte of its body is kept: the connection closes (the exception reaches
 * the connection's handler) and the bytes already received are dropped.
 *
 * <p>Buffer ownership: each frame is passed on as a retained slice without its size field; the
 * next handler releases it. Threading: the channel's event loop, like the limit's supplier.
 *
 * <p>Implementation notes: Netty's {@code ByteToMessageDecoder} hands each decoded frame on before
 * it decodes the next, so a frame that completes an authentication has been seen by the
 * authenticator before the size of the following frame is checked.
 */
final class BoundedFrameDecoder extends ByteToMessageDecoder {

    private static final int SIZE_BYTES = 4;
    private final IntSupplier maxFrameBytes;

    BoundedFrameDecoder(IntSupplier maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < SIZE_BYTES) {
            return;
        }
        int size = in.getInt(in.readerIndex());
        if (size < 0) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException("negative frame size " + size);
        }
        int limit = maxFrameBytes.getAsInt();
        if (size > limit) {
            in.skipBytes(in.readableBytes());
            throw new TooLongFrameException("frame of " + size + " bytes, above the " + limit + " allowed");
        }
        if (in.readableBytes() < SIZE_BYTES + size) {
            return;
        }
        in.skipBytes(SIZE_BYTES);
        out.add(in.readRetainedSlice(size));
    }
}
