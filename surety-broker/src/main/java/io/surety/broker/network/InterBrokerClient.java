package io.surety.broker.network;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.surety.broker.api.ServedVersions;
import io.surety.broker.replication.BrokerEndpoint;
import io.surety.broker.replication.PeerRequests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Kafka requests from this broker to its peers: one connection per peer, made on first use and
 * again after it closes, requests pipelined on it and matched to their answers in order.
 *
 * <p>Threading: callers on any thread; everything about one connection (its channel and the queue of
 * requests awaiting an answer) is touched only on that connection's event loop, so the order in which
 * requests are written is the order of the queue. Futures complete on the event loop: a caller hands
 * heavy work to its own thread.
 *
 * <p>Implementation notes: an answer is copied out of the Netty buffer before it is parsed, since a
 * parsed Fetch answer keeps referring to the bytes of its records. The client id of every request is
 * {@code surety-broker-<node id>}, so a fault proxy in front of a peer can tell whose traffic it cuts.
 */
public final class InterBrokerClient implements PeerRequests {

    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<BrokerEndpoint, PeerConnection> connections = new ConcurrentHashMap<>();
    private final String clientId;
    private final int maxResponseBytes;
    private final TlsEngines tls;

    /**
     * @param maxResponseBytes the largest answer accepted; a larger one closes the connection
     */
    public InterBrokerClient(int localNodeId, int maxResponseBytes) {
        this(localNodeId, maxResponseBytes, null);
    }

    /**
     * @param tls the inter-broker listener's TLS engines when it is an SSL listener (the peers'
     *     listener of the same name), or null for PLAINTEXT
     */
    public InterBrokerClient(int localNodeId, int maxResponseBytes, TlsEngines tls) {
        this.clientId = "surety-broker-" + localNodeId;
        this.maxResponseBytes = maxResponseBytes;
        this.tls = tls;
    }

    @Override
    public CompletableFuture<AbstractResponse> send(BrokerEndpoint target, AbstractRequest.Builder<?> builder) {
        ApiKeys api = builder.apiKey();
        short version = (short) Math.min(builder.latestAllowedVersion(),
                ServedVersions.of(api).orElseThrow(() -> new IllegalArgumentException(api + " is not served")).max());
        AbstractRequest request = builder.build(version);
        return connections.computeIfAbsent(target, this::connect).send(request);
    }

    @Override
    public void close() {
        connections.values().forEach(PeerConnection::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private PeerConnection connect(BrokerEndpoint target) {
        PeerConnection connection = new PeerConnection(target);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(new SslHandler(tls.newClientEngine(target.host(), target.port())));
                        }
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(maxResponseBytes, 0, 4, 0, 4));
                        ch.pipeline().addLast(connection);
                    }
                });
        connection.connected = bootstrap.connect(target.host(), target.port());
        connection.connected.addListener(done -> {
            if (!done.isSuccess()) {
                connection.failAll(new IOException("Could not connect to " + target + ": " + done.cause().getMessage(),
                        done.cause()));
            }
        });
        return connection;
    }

    /** One connection to one peer; its state is confined to the channel's event loop. */
    private final class PeerConnection extends SimpleChannelInboundHandler<ByteBuf> {

        private final BrokerEndpoint target;
        private final ArrayDeque<Pending> awaiting = new ArrayDeque<>();
        private volatile ChannelFuture connected;
        private int nextCorrelationId;
        private boolean closed;

        PeerConnection(BrokerEndpoint target) {
            this.target = target;
        }

        CompletableFuture<AbstractResponse> send(AbstractRequest request) {
            CompletableFuture<AbstractResponse> answer = new CompletableFuture<>();
            Channel channel = connected.channel();
            channel.eventLoop().execute(() -> write(channel, request, answer));
            return answer;
        }

        private void write(Channel channel, AbstractRequest request, CompletableFuture<AbstractResponse> answer) {
            if (closed) {
                answer.completeExceptionally(new IOException("The connection to " + target + " closed"));
                return;
            }
            RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, nextCorrelationId++);
            ByteBuffer body = request.serializeWithHeader(header);
            ByteBuf frame = Unpooled.buffer(4 + body.remaining()).writeInt(body.remaining()).writeBytes(body);
            awaiting.add(new Pending(header, answer));
            // Connecting: the write waits in the channel until the connection is made or fails.
            connected.addListener(done -> {
                if (done.isSuccess()) {
                    channel.writeAndFlush(frame);
                } else {
                    frame.release();
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            Pending pending = awaiting.poll();
            if (pending == null) {
                ctx.close();
                return;
            }
            byte[] copy = new byte[frame.readableBytes()];
            frame.readBytes(copy);
            try {
                pending.answer.complete(AbstractResponse.parseResponse(ByteBuffer.wrap(copy), pending.header));
            } catch (RuntimeException e) {
                // A mismatched correlation id or an unreadable answer: nothing after it can be trusted.
                pending.answer.completeExceptionally(new IOException("Unreadable answer from " + target, e));
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failAll(new IOException("The connection to " + target + " closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failAll(new IOException("The connection to " + target + " failed: " + cause.getMessage(), cause));
            ctx.close();
        }

        /** Fails every request awaiting an answer and forgets this connection; the next send reconnects. */
        void failAll(IOException cause) {
            Channel channel = connected.channel();
            channel.eventLoop().execute(() -> {
                closed = true;
                connections.remove(target, this);
                Pending pending;
                while ((pending = awaiting.poll()) != null) {
                    pending.answer.completeExceptionally(cause);
                }
            });
        }

        void close() {
            connected.channel().close();
        }
    }

    private record Pending(RequestHeader header, CompletableFuture<AbstractResponse> answer) {
    }
}
