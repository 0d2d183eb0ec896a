package io.surety.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The response frames a connection under test wrote, for tests on an {@link EmbeddedChannel}. */
final class ResponseFrames {

    private ResponseFrames() {
    }

    /**
     * Every response frame written so far, each without its size prefix; fails on a partial frame.
     * Releases what it read.
     */
    static List<ByteBuffer> read(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        try {
            Object message;
            while ((message = channel.readOutbound()) != null) {
                ByteBuf part = (ByteBuf) message;
                all.writeBytes(part);
                part.release();
            }
            List<ByteBuffer> frames = new ArrayList<>();
            while (all.isReadable()) {
                assertThat(all.readableBytes()).isGreaterThanOrEqualTo(4);
                int size = all.readInt();
                assertThat(all.readableBytes()).as("whole response frame").isGreaterThanOrEqualTo(size);
                byte[] frame = new byte[size];
                all.readBytes(frame);
                frames.add(ByteBuffer.wrap(frame));
            }
            return frames;
        } finally {
            all.release();
        }
    }
}
