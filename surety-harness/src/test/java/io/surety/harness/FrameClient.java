package io.surety.harness;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A blocking test client speaking Kafka framing with hand-made frames. */
final class FrameClient implements AutoCloseable {

    /** A response frame: its correlation id and the rest of its body. */
    record Response(int correlationId, byte[] body) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    FrameClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a request frame: size, apiKey, apiVersion 0, correlationId, body. */
    void send(short apiKey, int correlationId, byte[] body) throws IOException {
        out.write(requestFrame(apiKey, correlationId, body));
    }

    void send(short apiKey, int correlationId) throws IOException {
        send(apiKey, correlationId, new byte[] {1, 2, 3});
    }

    Response receive() throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        int correlationId = buffer.getInt();
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        return new Response(correlationId, body);
    }

    void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    InputStream input() {
        return in;
    }

    OutputStream output() {
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static byte[] requestFrame(short apiKey, int correlationId, byte[] body) {
        return ByteBuffer.allocate(12 + body.length)
            .putInt(8 + body.length).putShort(apiKey).putShort((short) 0).putInt(correlationId).put(body)
            .array();
    }

    static byte[] responseFrame(int correlationId, byte[] body) {
        return ByteBuffer.allocate(8 + body.length).putInt(4 + body.length).putInt(correlationId).put(body).array();
    }
}
