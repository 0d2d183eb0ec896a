package io.surety.broker;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A blocking Kafka connection over a plain socket, for tests that send requests exactly as built
 * (or deliberately broken) and read responses with kafka-clients' generated classes. Not
 * thread-safe. Closing resets the connection (SO_LINGER 0), so thousands of short connections
 * leave no TIME_WAIT behind.
 */
public final class RawKafkaConnection implements AutoCloseable {

    /** A response frame's correlation id and the rest of the frame after it (header remainder and body). */
    public record Frame(int correlationId, ByteBuffer afterCorrelationId) {
    }

    private static final String CLIENT_ID = "raw-test-client";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextCorrelationId = 1;

    private RawKafkaConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawKafkaConnection open(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        socket.setSoLinger(true, 0);
        return new RawKafkaConnection(socket);
    }

    /** A request frame (size prefix, header, body) as a client of this version would send it. */
    public static byte[] frame(ApiKeys key, short version, int correlationId, ApiMessage body) {
        RequestHeader header = new RequestHeader(key, version, CLIENT_ID, correlationId);
        ByteBuffer bytes = RequestUtils.serialize(header.data(), header.headerVersion(), body, version);
        byte[] frame = new byte[4 + bytes.remaining()];
        ByteBuffer.wrap(frame).putInt(bytes.remaining()).put(bytes);
        return frame;
    }

    /** Sends {@code body} and returns the response body, checking the correlation id. */
    @SuppressWarnings("unchecked")
    public <T extends ApiMessage> T call(ApiKeys key, short version, ApiMessage body) throws IOException {
        int correlationId = nextCorrelationId++;
        send(frame(key, version, correlationId, body));
        return (T) readResponse(key, version, correlationId);
    }

    /** Reads one response to a request of {@code key} at {@code version} and decodes its body exactly. */
    public ApiMessage readResponse(ApiKeys key, short version, int correlationId) throws IOException {
        ByteBuffer frame = readFrame();
        ResponseHeader header = ResponseHeader.parse(frame, key.responseHeaderVersion(version));
        if (header.correlationId() != correlationId) {
            throw new IOException("Expected correlation id " + correlationId + " but got " + header.correlationId());
        }
        ApiMessage body = AbstractResponse.parseResponse(key, new ByteBufferAccessor(frame), version).data();
        if (frame.hasRemaining()) {
            throw new IOException(frame.remaining() + " bytes left after the " + key + " v" + version + " response");
        }
        return body;
    }

    public int nextCorrelationId() {
        return nextCorrelationId++;
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one whole response frame (without its size prefix). */
    public ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        if (size < 4 || size > 256 * 1024 * 1024) {
            throw new IOException("Implausible response frame size " + size);
        }
        byte[] frame = new byte[size];
        in.readFully(frame);
        return ByteBuffer.wrap(frame);
    }

    /**
     * Waits until the broker closes the connection; returns how many bytes arrived before it did.
     * Throws an {@link AssertionError} if it is still open after {@code timeout}.
     */
    public int awaitClosedByBroker(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
        int received = 0;
        try {
            while (in.read() >= 0) {
                received++;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The broker did not close the connection within " + timeout, e);
        } catch (SocketException e) {
            // Reset by the broker: closed as well.
        }
        return received;
    }

    public void readTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    /** The client-side port, which the broker's log lines name. */
    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
