package io.surety.broker.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.surety.broker.api.ApiDispatcher;
import io.surety.broker.metrics.ConnectionMetrics;
import io.surety.broker.security.ConnectionPrincipals;
import io.surety.broker.security.SaslAuthenticator;
import io.surety.broker.security.SaslListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The Kafka listeners: one Netty server channel per broker listener, all on the same event loops
 * and the same request handling. Each connection's pipeline is frame decoder (4-byte size, bounded
 * by {@code socket.request.max.bytes}) then {@link ConnectionHandler}, which tags every request with
 * the listener it came in on. NIO transport, so fetches can send segment bytes with
 * {@code FileChannel.transferTo} (sendfile). On an SSL listener a TLS handler comes first (an engine
 * from the listener's {@link TlsEngines}) and a chunked writer sits before the requests: there fetch
 * data is read from the segment in chunks ({@link FileSliceChunks}), since TLS must encrypt it. An
 * idle-state handler at the head tells the connection when nothing was read or written for
 * {@code connections.max.idle.ms}, and it closes. On a SASL listener (SASL_PLAINTEXT, or SASL_SSL
 * after the TLS handler) each connection has its own authenticator, and the frame decoder's limit
 * is {@code sasl.server.max.receive.size} until the connection has authenticated.
 *
 * <p>Threading: one acceptor thread for every listener; event loops only decode, order and write;
 * request handling runs on the handler pool.
 */
public final class NettyServer implements AutoCloseable {

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Map<String, Channel> serverChannels;

    /**
     * One listener to bind.
     *
     * @param listenerName the listener's name, upper case, as requests are tagged with it
     * @param host the address to bind
     * @param port the port; 0 picks a free one
     */
    public record Binding(String listenerName, String host, int port, TlsEngines tls, SaslListener sasl,
            ConnectionPrincipals principals) {
        public Binding {
            Objects.requireNonNull(listenerName, "listenerName");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(principals, "principals");
        }

        /** A PLAINTEXT listener. */
        public Binding(String listenerName, String host, int port) {
            this(listenerName, host, port, null, null, ConnectionPrincipals.DEFAULT);
        }

        /** A PLAINTEXT ({@code tls} null) or SSL listener. */
        public Binding(String listenerName, String host, int port, TlsEngines tls) {
            this(listenerName, host, port, tls, null, ConnectionPrincipals.DEFAULT);
        }
    }

    private NettyServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, Map<String, Channel> serverChannels) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannels = serverChannels;
    }

    /**
     * Binds every listener of {@code bindings}, in order, and starts serving; when one cannot be
     * bound, those bound before it are closed again.
     *
     * @throws IOException naming the address when a listener cannot be bound (in use, not local, ...)
     */
    public static NettyServer start(List<Binding> bindings, int networkThreads, int maxFrameBytes,
            long maxIdleMs, ApiDispatcher dispatcher, Executor handlerPool, ConnectionMetrics connections)
            throws InterruptedException, IOException {
        if (bindings.isEmpty()) {
            throw new IllegalArgumentException("no listener to bind");
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(networkThreads, NioIoHandler.newFactory());
        Map<String, Channel> bound = new LinkedHashMap<>();
        Binding binding = bindings.get(0);
        try {
            for (Binding next : bindings) {
                binding = next;
                String listenerName = next.listenerName();
                ServerBootstrap bootstrap = new ServerBootstrap()
                        .group(boss, workers)
                        .channel(NioServerSocketChannel.class)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, maxIdleMs, TimeUnit.MILLISECONDS));
                                SslHandler tls = null;
                                if (next.tls() != null) {
                                    tls = new SslHandler(next.tls().newEngine(ch.remoteAddress()));
                                    ch.pipeline().addLast("tls", tls);
                                }
                                configure(ch.pipeline(), listenerName, maxFrameBytes, dispatcher, handlerPool,
                                        connections, next.tls() != null, next.sasl(),
                                        principalsOf(next.principals(), ch.remoteAddress(), tls));
                            }
                        });
                bound.put(listenerName, bootstrap.bind(new InetSocketAddress(next.host(), next.port())).sync().channel());
            }
            return new NettyServer(boss, workers, bound);
        } catch (Exception e) {
            // sync() rethrows the socket's checked exceptions (BindException) without declaring them.
            bound.values().forEach(channel -> channel.close().syncUninterruptibly());
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (e instanceof SocketException socket) {
                throw new IOException("Could not listen on " + binding.host() + ":" + binding.port() + " (listener "
                        + binding.listenerName() + "): " + bindProblem(socket)
                        + "; stop what uses it or choose another address in listeners", e);
            }
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw (RuntimeException) e;
        }
    }

    private static String bindProblem(SocketException e) {
        String message = String.valueOf(e.getMessage());
        return message.toLowerCase(java.util.Locale.ROOT).contains("in use") ? "the address is already in use" : message;
    }

    /**
     * Installs the pipeline of one connection to listener {@code listenerName} (after its TLS handler
     * when {@code tls}): size-prefixed frames of at most {@code maxFrameBytes}, then the requests.
     */
    static void configure(ChannelPipeline pipeline, String listenerName, int maxFrameBytes, ApiDispatcher dispatcher,
            Executor handlerPool, ConnectionMetrics connections, boolean tls) {
        configure(pipeline, listenerName, maxFrameBytes, dispatcher, handlerPool, connections, tls, null);
    }

    /**
     * {@link #configure} for a listener that takes SASL when {@code sasl} is not null: the
     * connection's authenticator sees every frame, and bounds frames by
     * {@code sasl.server.max.receive.size} until the connection is authenticated.
     */
    static void configure(ChannelPipeline pipeline, String listenerName, int maxFrameBytes, ApiDispatcher dispatcher,
            Executor handlerPool, ConnectionMetrics connections, boolean tls, SaslListener sasl) {
        configure(pipeline, listenerName, maxFrameBytes, dispatcher, handlerPool, connections, tls, sasl,
                ConnectionPrincipal.ANONYMOUS);
    }

    /** {@link #configure} naming the connection's principal with {@code principal}. */
    static void configure(ChannelPipeline pipeline, String listenerName, int maxFrameBytes, ApiDispatcher dispatcher,
            Executor handlerPool, ConnectionMetrics connections, boolean tls, SaslListener sasl,
            ConnectionPrincipal principal) {
        SaslAuthenticator authenticator = sasl == null ? null : sasl.newAuthenticator(principal::ofSasl);
        if (authenticator == null) {
            int maxWithSizeField = (int) Math.min((long) maxFrameBytes + 4, Integer.MAX_VALUE);
            pipeline.addLast("frames", new LengthFieldBasedFrameDecoder(maxWithSizeField, 0, 4, 0, 4));
        } else {
            pipeline.addLast("frames", new BoundedFrameDecoder(() -> authenticator.maxFrameBytes(maxFrameBytes)));
        }
        if (tls) {
            pipeline.addLast("chunks", new ChunkedWriteHandler());
        }
        pipeline.addLast("requests", new ConnectionHandler(listenerName, dispatcher, handlerPool, connections, tls,
                authenticator, principal));
    }

    /**
     * How the listener's principal builder names a connection from {@code remote}: over TLS from the
     * session {@code tls} negotiated, read when the first request arrives (the handshake is over by then).
     */
    private static ConnectionPrincipal principalsOf(ConnectionPrincipals principals, InetSocketAddress remote, SslHandler tls) {
        InetAddress client = remote.getAddress();
        Optional<Supplier<SSLSession>> session = tls == null ? Optional.empty()
                : Optional.of(() -> tls.engine().getSession());
        return new ConnectionPrincipal() {
            @Override
            public KafkaPrincipal ofConnection() {
                return session.isPresent() ? principals.ssl(session.get().get(), client) : principals.plaintext(client);
            }

            @Override
            public KafkaPrincipal ofSasl(SaslServer server) {
                return principals.sasl(server, client, session.map(Supplier::get));
            }
        };
    }

    /** {@link #configure} for a PLAINTEXT listener. */
    static void configure(ChannelPipeline pipeline, String listenerName, int maxFrameBytes, ApiDispatcher dispatcher,
            Executor handlerPool, ConnectionMetrics connections) {
        configure(pipeline, listenerName, maxFrameBytes, dispatcher, handlerPool, connections, false);
    }

    /**
     * The port listener {@code listenerName} is bound to (the one picked for port 0).
     *
     * @throws IllegalArgumentException when this server has no such listener
     */
    public int port(String listenerName) {
        Channel channel = serverChannels.get(listenerName);
        if (channel == null) {
            throw new IllegalArgumentException("No listener " + listenerName + "; this server has "
                    + serverChannels.keySet());
        }
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting on every listener and closes every connection. */
    @Override
    public void close() {
        serverChannels.values().forEach(channel -> channel.close().syncUninterruptibly());
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
