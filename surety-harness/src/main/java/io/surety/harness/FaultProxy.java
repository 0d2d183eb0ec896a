package io.surety.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 that forwards each accepted connection to one upstream address and
 * injects network faults on demand: delay, black hole, reset, refused connections, and lost Kafka
 * responses (the request is applied upstream, its answer never reaches the client).
 *
 * <p>Faults switch at runtime and apply to open and new connections alike; {@link #heal()} clears
 * them all. Every switch is logged as "injecting ..." or "healed". Only Kafka's framing is known
 * (see {@link KafkaFraming}), plus, when asked, the few responses that name brokers (see
 * {@link Builder#rewriteBrokerAddresses}); a stream that is not Kafka is still forwarded untouched.
 *
 * <p>Thread-safe: every method may be called from any thread. The proxy owns its threads (one
 * acceptor, two per connection, all daemon, named {@code fault-proxy-<name>-<n>}); {@link #close()}
 * closes every socket and returns only when they have all ended.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final String name;
    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final boolean closeAfterDroppedResponse;
    private final boolean rewriteBrokerAddresses;
    private final String threadPrefix;
    private final AtomicInteger threadIds = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final FaultState faults = new FaultState();
    private final TrafficCounters traffic = new TrafficCounters();
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed; // written under threads' monitor, so no thread starts after close

    private FaultProxy(String name, ServerSocket server, InetSocketAddress upstream, boolean closeAfterDroppedResponse,
                       boolean rewriteBrokerAddresses) {
        this.name = name;
        this.server = server;
        this.upstream = upstream;
        this.closeAfterDroppedResponse = closeAfterDroppedResponse;
        this.rewriteBrokerAddresses = rewriteBrokerAddresses;
        this.threadPrefix = "fault-proxy-" + name + "-";
    }

    /** Starts a proxy on an ephemeral port of 127.0.0.1 with default settings. */
    public static FaultProxy start(String upstreamHost, int upstreamPort) {
        return builder(upstreamHost, upstreamPort).start();
    }

    /** Returns a builder for a proxy to {@code upstreamHost:upstreamPort}. */
    public static Builder builder(String upstreamHost, int upstreamPort) {
        return new Builder(upstreamHost, upstreamPort);
    }

    /** The name used in thread names and log lines. */
    public String name() {
        return name;
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code host:port}, ready for {@code bootstrap.servers} or an advertised listener. */
    public String address() {
        return host() + ":" + port();
    }

    /**
     * Holds every chunk read from now on, in both directions, until at least {@code delay} after it
     * was read; {@link Duration#ZERO} stops delaying. Chunks of one direction stay in order, so a
     * burst of k chunks is delayed by up to k times {@code delay}.
     */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        LOG.info("[{}] injecting delay of {} ms per chunk", name, delay.toMillis());
        faults.delay(delay.toNanos());
    }

    /**
     * Stops forwarding in both directions while keeping every socket open; new connections are
     * accepted but not connected upstream. Bytes already read are held (TCP would retransmit
     * them) and delivered after {@link #heal()} unless the connection closes first.
     */
    public void blackHole() {
        LOG.info("[{}] injecting black hole", name);
        faults.blackHole();
    }

    /**
     * Clears every fault: no delay, no black hole, new connections accepted, no drop rules.
     * Responses already marked for dropping (their requests went upstream) are still dropped.
     */
    public void heal() {
        faults.heal();
        LOG.info("[{}] healed", name);
    }

    /** Closes every open connection abruptly (SO_LINGER 0), so both peers see a reset. */
    public void resetAll() {
        List<ProxiedConnection> open = List.copyOf(connections);
        LOG.info("[{}] injecting reset of {} connections", name, open.size());
        open.forEach(ProxiedConnection::reset);
    }

    /**
     * Forwards the next {@code count} requests with {@code apiKey} as usual but swallows their
     * responses; a count of 0 removes the rule. Replaces an earlier rule for the same apiKey. After
     * swallowing a response the client connection is closed, unless the builder said otherwise. A
     * request whose connection closes before its response arrives gives its drop back.
     */
    public void dropResponses(short apiKey, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        LOG.info("[{}] injecting drop of the next {} responses to apiKey {}", name, count, apiKey);
        faults.dropResponses(apiKey, count);
    }

    /**
     * While {@code true}, accepts each new connection and resets it at once (the client sees a
     * reset, not ECONNREFUSED); open connections are untouched. "New" means not yet taken by the
     * acceptor: a client whose TCP handshake just completed may still be refused.
     */
    public void refuseConnections(boolean refuse) {
        if (refuse) {
            LOG.info("[{}] injecting refusal of new connections", name);
        } else {
            LOG.info("[{}] healed: accepting new connections", name);
        }
        faults.refuseConnections(refuse);
    }

    /** Bytes written upstream since start. */
    public long bytesToUpstream() {
        return traffic.bytesToUpstream.sum();
    }

    /** Bytes written to clients since start; swallowed responses do not count. */
    public long bytesToClients() {
        return traffic.bytesToClients.sum();
    }

    /** Connections accepted and proxied since start; refused ones do not count. */
    public long connectionsAccepted() {
        return traffic.connectionsAccepted.sum();
    }

    /** Connections reset on arrival by {@link #refuseConnections(boolean)} since start. */
    public long connectionsRefused() {
        return traffic.connectionsRefused.sum();
    }

    /** Connections open right now. */
    public int openConnections() {
        return connections.size();
    }

    /** Responses swallowed by {@link #dropResponses(short, int)} since start. */
    public long responsesDropped() {
        return traffic.responsesDropped.sum();
    }

    /**
     * Stops accepting, closes every connection and waits for every proxy thread to end. Idempotent.
     */
    @Override
    public void close() {
        synchronized (threads) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("[{}] closing the listening socket failed", name, e);
        }
        List.copyOf(connections).forEach(ProxiedConnection::close);
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MS);
        try {
            for (Thread thread : List.copyOf(threads)) {
                thread.interrupt();
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                thread.join(Math.max(1, leftMs));
                if (thread.isAlive()) {
                    LOG.warn("[{}] thread {} still running after close", name, thread.getName());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("[{}] closed", name);
    }

    /** Runs {@code task} on a new daemon thread that {@link #close()} waits for. */
    private void spawn(Runnable task) {
        synchronized (threads) {
            if (closed) {
                throw new RejectedExecutionException("proxy " + name + " is closed");
            }
            Thread thread = new Thread(() -> {
                try {
                    task.run();
                } finally {
                    threads.remove(Thread.currentThread());
                }
            }, threadPrefix + threadIds.incrementAndGet());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed || server.isClosed()) {
                    return;
                }
                LOG.warn("[{}] accept failed", name, e);
                continue;
            }
            if (faults.refusingConnections()) {
                traffic.connectionsRefused.increment();
                reset(client);
                continue;
            }
            traffic.connectionsAccepted.increment();
            ProxiedConnection connection = new ProxiedConnection(client, upstream, faults, traffic,
                closeAfterDroppedResponse, rewriteBrokerAddresses ? new BrokerAddresses(host(), port()) : null,
                connections::remove);
            connections.add(connection);
            try {
                spawn(() -> connection.run(this::spawn));
            } catch (RejectedExecutionException e) {
                connection.close();
            }
        }
    }

    private static void reset(Socket socket) {
        try (socket) {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // the peer is gone already: nothing to reset
        }
    }

    /**
     * Settings for a {@link FaultProxy}. Not thread-safe; use on one thread, then discard.
     */
    public static final class Builder {

        private final String upstreamHost;
        private final int upstreamPort;
        private Optional<String> name = Optional.empty();
        private int listenPort;
        private boolean closeAfterDroppedResponse = true;
        private boolean rewriteBrokerAddresses;

        private Builder(String upstreamHost, int upstreamPort) {
            this.upstreamHost = Objects.requireNonNull(upstreamHost, "upstreamHost");
            this.upstreamPort = upstreamPort;
        }

        /** Name for threads and log lines; default {@code <listen port>-><upstream>}. */
        public Builder name(String name) {
            this.name = Optional.of(name);
            return this;
        }

        /** Port to listen on, on 127.0.0.1; default 0 (ephemeral). */
        public Builder listenPort(int listenPort) {
            this.listenPort = listenPort;
            return this;
        }

        /**
         * Whether the client connection is closed after a response is swallowed; default
         * {@code true}, so a Kafka client reconnects and retries instead of failing on a
         * correlation mismatch.
         */
        public Builder closeAfterDroppedResponse(boolean close) {
            this.closeAfterDroppedResponse = close;
            return this;
        }

        /**
         * Whether broker addresses in Metadata, FindCoordinator and DescribeCluster responses are
         * rewritten to this proxy's address; default {@code false}. Turn it on in front of a broker
         * that does not advertise the proxy itself, so that clients keep going through the proxy
         * after bootstrapping. Every broker maps to this one proxy: meant for single-broker clusters.
         */
        public Builder rewriteBrokerAddresses(boolean rewrite) {
            this.rewriteBrokerAddresses = rewrite;
            return this;
        }

        /**
         * Binds the listening socket and starts accepting.
         *
         * @throws UncheckedIOException if the port cannot be bound
         */
        public FaultProxy start() {
            ServerSocket server = null;
            try {
                server = new ServerSocket();
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
            } catch (IOException e) {
                closeQuietly(server);
                throw new UncheckedIOException("cannot listen on 127.0.0.1:" + listenPort, e);
            }
            String proxyName = name.orElse(server.getLocalPort() + "->" + upstreamHost + ":" + upstreamPort);
            FaultProxy proxy = new FaultProxy(proxyName, server, new InetSocketAddress(upstreamHost, upstreamPort),
                closeAfterDroppedResponse, rewriteBrokerAddresses);
            proxy.spawn(proxy::acceptLoop);
            LOG.info("[{}] listening on {}", proxyName, proxy.address());
            return proxy;
        }

        private static void closeQuietly(ServerSocket server) {
            if (server == null) {
                return;
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // failed before it was used: nothing to release beyond the descriptor
            }
        }
    }
}
