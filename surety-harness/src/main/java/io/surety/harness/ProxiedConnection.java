package io.surety.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted client socket, the upstream socket opened for it, and the two pumps between them.
 *
 * <p>{@link #run} opens the upstream connection, hands the response pump to the executor and pumps
 * requests on the calling thread; both pumps end when either socket fails or the connection is
 * closed. {@link #close} and {@link #reset} may be called from any thread, any number of times; the
 * first one closes both sockets, releases pending drops and notifies {@code onClosed} once.
 *
 * <p>Implementation notes: each pump reads a chunk, waits on {@link FaultState} (black hole,
 * delay), filters it and writes it; while a pump waits it does not read, so TCP flow control
 * pushes back on the sender as a real partition would. A half-close (EOF) is passed on with
 * {@code shutdownOutput}; the sockets close when both directions have ended.
 */
final class ProxiedConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ProxiedConnection.class);
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final Socket client;
    private final InetSocketAddress upstreamAddress;
    private final FaultState faults;
    private final TrafficCounters traffic;
    private final boolean closeAfterDrop;
    private final BrokerAddresses advertised;
    private final Map<Integer, ResponseFrameFilter.Rewrite> rewrites = new ConcurrentHashMap<>();
    private final Consumer<ProxiedConnection> onClosed;
    private final PendingDrops drops = new PendingDrops();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger directionsEnded = new AtomicInteger();
    private volatile Socket upstream;

    ProxiedConnection(Socket client, InetSocketAddress upstreamAddress, FaultState faults,
                      TrafficCounters traffic, boolean closeAfterDrop, BrokerAddresses advertised,
                      Consumer<ProxiedConnection> onClosed) {
        this.client = client;
        this.upstreamAddress = upstreamAddress;
        this.faults = faults;
        this.traffic = traffic;
        this.closeAfterDrop = closeAfterDrop;
        this.advertised = advertised;
        this.onClosed = onClosed;
    }

    /** Connects upstream (not while black-holed) and pumps until the connection ends. */
    void run(Executor executor) {
        try {
            if (!faults.awaitForwarding(System.nanoTime(), false, closed::get)) {
                return;
            }
            Socket socket = new Socket();
            upstream = socket;
            if (closed.get()) {
                closeQuietly(socket);
                return;
            }
            socket.setTcpNoDelay(true);
            socket.connect(upstreamAddress, CONNECT_TIMEOUT_MS);
            ChunkFilter responses = new ResponseFrameFilter(drops, traffic.responsesDropped::increment, closeAfterDrop,
                    rewrites, advertised);
            executor.execute(() -> pump(socket, client, responses, traffic.bytesToClients));
            pump(client, socket, new RequestHeaderDecoder(this::onRequest), traffic.bytesToUpstream);
        } catch (IOException | RejectedExecutionException e) {
            if (!closed.get()) {
                LOG.debug("connection from {} to {} failed", client.getRemoteSocketAddress(), upstreamAddress, e);
            }
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    /** Closes both sockets with SO_LINGER 0, so each peer sees a reset. */
    void reset() {
        setLingerZero(client);
        Socket socket = upstream;
        if (socket != null) {
            setLingerZero(socket);
        }
        close();
    }

    /** Closes both sockets normally. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(client);
        Socket socket = upstream;
        if (socket != null) {
            closeQuietly(socket);
        }
        drops.releaseAll();
        faults.wakeAll();
        onClosed.accept(this);
    }

    private void onRequest(short apiKey, short apiVersion, int correlationId) {
        if (advertised != null && BrokerAddresses.carriesAddresses(apiKey)) {
            rewrites.put(correlationId, new ResponseFrameFilter.Rewrite(apiKey, apiVersion));
        }
        faults.claimDrop(apiKey).ifPresent(budget -> drops.add(correlationId, budget));
    }

    private void pump(Socket source, Socket destination, ChunkFilter filter, LongAdder forwarded) {
        byte[] chunk = new byte[CHUNK_BYTES];
        ByteArrayOutputStream kept = new ByteArrayOutputStream(CHUNK_BYTES);
        try {
            InputStream in = source.getInputStream();
            OutputStream out = destination.getOutputStream();
            while (true) {
                int read = in.read(chunk);
                if (read < 0) {
                    endDirection(destination);
                    return;
                }
                if (!faults.awaitForwarding(System.nanoTime(), true, closed::get)) {
                    return;
                }
                kept.reset();
                boolean closeNow = filter.filter(chunk, 0, read, kept);
                kept.writeTo(out);
                forwarded.add(kept.size());
                if (closeNow) {
                    close();
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.debug("connection from {} to {} broke", client.getRemoteSocketAddress(), upstreamAddress, e);
            }
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    private void endDirection(Socket destination) throws IOException {
        if (directionsEnded.incrementAndGet() == 2) {
            close();
        } else if (!closed.get()) {
            destination.shutdownOutput();
        }
    }

    private static void setLingerZero(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed: nothing left to reset
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort; the peer sees the end either way
        }
    }
}
