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
import io.surety.broker.api.ApiDispatcher;
import io.surety.broker.metrics.ConnectionMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka listener: a Netty server whose pipeline is frame decoder (4-byte size, bounded by
 * {@code socket.request.max.bytes}) then {@link ConnectionHandler}. NIO transport, so fetches can
 * send segment bytes with {@code FileChannel.transferTo} (sendfile).
 *
 * <p>Threading: event loops only decode, order and write; request handling runs on the handler pool.
 */
public final class NettyServer implements AutoCloseable {

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;

    private NettyServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, Channel serverChannel) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds and starts serving; {@code port} 0 picks a free port.
     *
     * @throws IOException naming the address when it cannot be bound (in use, not local, ...)
     */
    public static NettyServer start(String host, int port, int networkThreads, int maxFrameBytes, ApiDispatcher dispatcher,
            Executor handlerPool, ConnectionMetrics connections) throws InterruptedException, IOException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(networkThreads, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            configure(ch.pipeline(), maxFrameBytes, dispatcher, handlerPool, connections);
                        }
                    });
            Channel channel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
            return new NettyServer(boss, workers, channel);
        } catch (Exception e) {
            // sync() rethrows the socket's checked exceptions (BindException) without declaring them.
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (e instanceof SocketException socket) {
                throw new IOException("Could not listen on " + host + ":" + port + ": " + bindProblem(socket)
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

    /** Installs one connection's pipeline: size-prefixed frames of at most {@code maxFrameBytes}, then the requests. */
    static void configure(ChannelPipeline pipeline, int maxFrameBytes, ApiDispatcher dispatcher, Executor handlerPool,
            ConnectionMetrics connections) {
        int maxWithSizeField = (int) Math.min((long) maxFrameBytes + 4, Integer.MAX_VALUE);
        pipeline.addLast("frames", new LengthFieldBasedFrameDecoder(maxWithSizeField, 0, 4, 0, 4))
                .addLast("requests", new ConnectionHandler(dispatcher, handlerPool, connections));
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
