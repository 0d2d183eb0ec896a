package io.surety.harness;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A test upstream on 127.0.0.1: one thread per connection running a handler; {@link #close()}
 * closes every socket and joins every thread.
 */
final class LoopbackServer implements AutoCloseable {

    /** Serves one accepted connection until it ends. */
    interface Handler {
        void serve(Socket socket, LoopbackServer server) throws IOException;
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Queue<Integer> requestCorrelationIds = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private LoopbackServer(ServerSocket serverSocket, Handler handler) {
        this.serverSocket = serverSocket;
        this.handler = handler;
    }

    static LoopbackServer start(Handler handler) throws IOException {
        ServerSocket serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        LoopbackServer server = new LoopbackServer(serverSocket, handler);
        server.startThread(server::acceptLoop);
        return server;
    }

    /** Copies every byte back. */
    static LoopbackServer echo() throws IOException {
        return start((socket, server) -> socket.getInputStream().transferTo(socket.getOutputStream()));
    }

    /** Answers each request frame with a response frame: its correlation id, then the request's body. */
    static LoopbackServer kafkaLike() throws IOException {
        return start(LoopbackServer::answerFrames);
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /** Correlation ids of the request frames received, in arrival order. */
    List<Integer> requestCorrelationIds() {
        return List.copyOf(requestCorrelationIds);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                sockets.add(socket);
                startThread(() -> serveQuietly(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveQuietly(Socket socket) {
        try (socket) {
            handler.serve(socket, this);
        } catch (IOException endedByPeerOrClose) {
            // the connection is over; the test asserts on what the client saw
        }
    }

    private void startThread(Runnable task) {
        Thread thread = new Thread(task, "loopback-server-" + port());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void answerFrames(Socket socket, LoopbackServer server) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        while (true) {
            byte[] frame;
            try {
                frame = new byte[in.readInt()];
            } catch (EOFException e) {
                return;
            }
            in.readFully(frame);
            ByteBuffer request = ByteBuffer.wrap(frame);
            request.getShort();
            request.getShort();
            int correlationId = request.getInt();
            server.requestCorrelationIds.add(correlationId);
            ByteBuffer response = ByteBuffer.allocate(8 + request.remaining());
            response.putInt(4 + request.remaining()).putInt(correlationId).put(request);
            out.write(response.array());
        }
    }
}
