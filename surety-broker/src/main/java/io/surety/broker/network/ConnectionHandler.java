package io.surety.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.surety.broker.api.ApiDispatcher;
import io.surety.broker.api.ApiRequest;
import io.surety.broker.api.ApiResponse;
import io.surety.broker.metrics.ConnectionMetrics;
import io.surety.broker.metrics.ConnectionMetrics.ClosedBy;
import io.surety.broker.security.SaslAuthenticator;
import io.surety.broker.security.SaslStep;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes each frame, starts its handling in arrival order, and writes the
 * responses strictly in request order (clients match responses to their oldest request in flight).
 * Every request carries the name of the listener the connection came in on, so the handlers can
 * answer with the brokers' endpoints on that listener.
 *
 * <p>SASL: on a SASL listener every frame goes first to the connection's {@link SaslAuthenticator},
 * which says whether to serve it (then the request carries the authenticated principal), answer it
 * (its answer takes its turn among the responses, so they stay in request order, re-authentication
 * included), or close. After a failed authentication nothing more is read; the answer goes out after
 * {@code connection.failed.authentication.delay.ms}, then the connection closes, with one
 * rate-limited WARN line that holds no secret.
 *
 * <p>Threading: all fields are confined to the channel's event loop. Handling runs on a
 * per-connection {@link SerialExecutor}; completions hop back to the event loop.
 *
 * <p>Back-pressure: with more than {@link #MAX_PENDING} requests awaiting responses the connection
 * stops reading until it is down to half, bounding the memory one client can hold.
 *
 * <p>Buffer ownership: frames arrive as {@link ByteBuf}s from the frame decoder and this handler
 * owns them. A Produce frame is decoded in place (its records are views of the frame's memory, which
 * the log writes to the file without another copy) and released when its handling has completed,
 * whatever the outcome; every other frame is copied into a heap buffer (its request may keep views
 * into it for as long as it likes) and released at once.
 *
 * <p>Logging: one INFO line when a connection opens and one when it closes, saying who closed it
 * and why, on logger {@code io.surety.broker.network.connections} (set it to WARN to silence
 * them). Those lines are rate-limited across the broker to {@value #CONNECTION_LINES_PER_SECOND}
 * a second; the next line let through says how many were held back, and
 * {@code surety_connections_*} count every connection regardless. Bytes left after a request
 * body are ignored as Kafka ignores them: one DEBUG line each, and counted in
 * {@code surety_requests_trailing_bytes_total}.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final Logger CONNECTIONS = LoggerFactory.getLogger("io.surety.broker.network.connections");
    private static final int MAX_PENDING = 100;
    static final int CONNECTION_LINES_PER_SECOND = 100;
    private static final LogRateLimiter CONNECTION_LINES = new LogRateLimiter(CONNECTION_LINES_PER_SECOND,
            TimeUnit.SECONDS.toNanos(1), System.nanoTime());
    private static final LogRateLimiter AUTHENTICATION_LINES = new LogRateLimiter(CONNECTION_LINES_PER_SECOND,
            TimeUnit.SECONDS.toNanos(1), System.nanoTime());

    /** A response ready to go; {@code token}, when not null, is a bare SASL token sent instead (SaslHandshake v0). */
    private record Completed(RequestHeader header, ApiResponse response, byte[] token) {
    }

    private final RequestDecoder decoder;
    private final ApiDispatcher dispatcher;
    private final SerialExecutor serial;
    private final ConnectionMetrics metrics;
    private final String listenerName;
    private final boolean tls;
    /** The SASL exchange of a SASL listener's connection; null on other listeners. */
    private final SaslAuthenticator sasl;
    private final ConnectionPrincipal principals;
    /** Until when a client over its quota is not read (System.nanoTime); long past when not throttled. */
    private long throttledUntilNs = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    /** A connection without SASL: who it is, once its first request arrived. */
    private KafkaPrincipal connectionPrincipal;
    private final Map<Long, Completed> completed = new HashMap<>();
    private String clientAddress = "unknown";
    private long nextSequence;
    private long nextToWrite;
    private boolean closing;
    /** The authenticator closes the connection: nothing more is read, and it closes once the answer is out. */
    private boolean authenticationFailed;
    private ClosedBy closedBy = ClosedBy.CLIENT;
    private String closeReason = "by the client";
    private long openedNs;
    /** The reason of the coming close was already logged (an authentication failure). */
    private boolean closeLogged;

    ConnectionHandler(String listenerName, ApiDispatcher dispatcher, Executor handlerPool, ConnectionMetrics metrics) {
        this(listenerName, dispatcher, handlerPool, metrics, false);
    }

    /** @param tls whether the connection is encrypted: then fetch data goes out in chunks, not by sendfile */
    ConnectionHandler(String listenerName, ApiDispatcher dispatcher, Executor handlerPool, ConnectionMetrics metrics,
            boolean tls) {
        this(listenerName, dispatcher, handlerPool, metrics, tls, null);
    }

    /**
     * @param sasl on a SASL listener the connection's authenticator, asked about every frame before
     *     it is served; null elsewhere
     */
    ConnectionHandler(String listenerName, ApiDispatcher dispatcher, Executor handlerPool, ConnectionMetrics metrics,
            boolean tls, SaslAuthenticator sasl) {
        this(listenerName, dispatcher, handlerPool, metrics, tls, sasl, ConnectionPrincipal.ANONYMOUS);
    }

    /** @param principals names a connection without SASL at its first request (its certificate, or anonymous) */
    ConnectionHandler(String listenerName, ApiDispatcher dispatcher, Executor handlerPool, ConnectionMetrics metrics,
            boolean tls, SaslAuthenticator sasl, ConnectionPrincipal principals) {
        this.principals = principals;
        this.sasl = sasl;
        this.tls = tls;
        this.listenerName = listenerName;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.decoder = new RequestDecoder(dispatcher::supports);
        this.serial = new SerialExecutor(handlerPool);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        clientAddress = String.valueOf(ctx.channel().remoteAddress());
        openedNs = System.nanoTime();
        metrics.opened();
        logConnection(openedNs, "Connection opened from {} on listener {}", clientAddress, listenerName);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closedBy == ClosedBy.CLIENT && ctx.channel().parent() != null && !ctx.channel().parent().isOpen()) {
            closedBy = ClosedBy.BROKER;
            closeReason = "by the broker: shutting down";
        }
        metrics.closed(closedBy);
        long nowNs = System.nanoTime();
        if (sasl != null) {
            logConnection(nowNs, "Connection from {} on listener {} as {} closed {} ({} requests, open {} ms)",
                    clientAddress, listenerName, sasl.principal(), closeReason, nextSequence,
                    TimeUnit.NANOSECONDS.toMillis(nowNs - openedNs));
        } else {
            logConnection(nowNs, "Connection from {} on listener {} closed {} ({} requests, open {} ms)", clientAddress,
                    listenerName, closeReason, nextSequence, TimeUnit.NANOSECONDS.toMillis(nowNs - openedNs));
        }
        completed.clear();
        if (sasl != null) {
            sasl.close();
        }
        ctx.fireChannelInactive();
    }

    /** One connection line at {@code nowNs}, unless the rate limit holds it back. */
    private static void logConnection(long nowNs, String format, Object... args) {
        if (!CONNECTIONS.isInfoEnabled()) {
            return;
        }
        long suppressed = CONNECTION_LINES.tryAcquire(nowNs);
        if (suppressed < 0) {
            return;
        }
        if (suppressed > 0) {
            CONNECTIONS.info("{} connection lines were held back (more than {} a second)", suppressed,
                    CONNECTION_LINES_PER_SECOND);
        }
        CONNECTIONS.info(format, args);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closing || authenticationFailed) {
            frame.release();
            return;
        }
        // held: the frame, owned until its request completes, or null once copied and released.
        ByteBuf held = decodesInPlace(frame) ? frame : null;
        ByteBuffer bytes = held != null ? frame.nioBuffer() : copyAndRelease(frame);
        RequestHeader header = null;
        try {
            KafkaPrincipal principal;
            if (sasl != null) {
                SaslStep step = sasl.onFrame(bytes, System.nanoTime());
                if (!(step instanceof SaslStep.Dispatch)) {
                    answerSasl(ctx, step);
                    return;
                }
                principal = sasl.principal();
            } else {
                if (connectionPrincipal == null) {
                    connectionPrincipal = principals.ofConnection();
                }
                principal = connectionPrincipal;
            }
            header = decoder.header(bytes);
            RequestDecoder.Decoded decoded = decoder.body(header, bytes.slice(), clientAddress, listenerName, principal);
            if (decoded.trailingBytes() > 0) {
                ignoreTrailing(header, decoded.trailingBytes());
            }
            start(ctx, decoded.request(), held);
            held = null;
        } catch (RequestDecoder.BadRequestException e) {
            RequestHeader known = e.header() != null ? e.header() : header;
            if (known != null && known.apiKey() == ApiKeys.API_VERSIONS
                    && !dispatcher.supports(ApiKeys.API_VERSIONS, known.apiVersion())) {
                answerUnsupportedApiVersions(ctx, known);
            } else {
                close(ctx, e.getMessage());
            }
        } finally {
            if (held != null) {
                held.release();
            }
        }
    }

    /**
     * Produce frames carry nearly all the bytes a broker takes in; decoding them where they lie
     * saves copying each one twice (into the heap, then into a direct buffer for the file write).
     */
    private static boolean decodesInPlace(ByteBuf frame) {
        return frame.readableBytes() >= 2 && frame.getShort(frame.readerIndex()) == ApiKeys.PRODUCE.id
                && frame.nioBufferCount() == 1;
    }

    private static ByteBuffer copyAndRelease(ByteBuf frame) {
        ByteBuffer bytes = ByteBuffer.allocate(frame.readableBytes());
        try {
            frame.readBytes(bytes);
        } finally {
            frame.release();
        }
        return bytes.flip();
    }

    /** Bytes after a request body are ignored, as Kafka ignores them (see {@link RequestDecoder}), and counted. */
    private void ignoreTrailing(RequestHeader header, int trailingBytes) {
        metrics.trailingBytes(header.apiKey(), trailingBytes);
        LOG.debug("Ignored {} bytes after the {} v{} body from {} (client id {})", trailingBytes, header.apiKey(),
                header.apiVersion(), clientAddress, header.clientId());
    }

    /** Starts handling {@code request}; {@code frame}, when not null, is released once the handling has completed. */
    private void start(ChannelHandlerContext ctx, ApiRequest request, ByteBuf frame) {
        long sequence = nextSequence++;
        if (nextSequence - nextToWrite > MAX_PENDING) {
            ctx.channel().config().setAutoRead(false);
        }
        serial.execute(() -> {
            CompletableFuture<ApiResponse> pending;
            try {
                pending = dispatcher.dispatch(request);
            } catch (Throwable error) {
                pending = CompletableFuture.failedFuture(error);
            }
            pending.whenComplete((response, error) -> {
                if (frame != null) {
                    frame.release();
                }
                ctx.executor().execute(() -> complete(ctx, sequence, request.header(), response, error));
            });
        });
    }

    /**
     * What the authenticator answered, in its turn among the answers: a reply, a bare token, or a
     * close. A close stops reading at once (as Kafka mutes the channel); its answer, if any, goes
     * out after {@code connection.failed.authentication.delay.ms}, then the connection closes.
     */
    private void answerSasl(ChannelHandlerContext ctx, SaslStep step) {
        if (step instanceof SaslStep.Reply reply) {
            complete(ctx, nextSequence++, reply.header(), new ApiResponse.Send(reply.body()), null);
        } else if (step instanceof SaslStep.Token token) {
            long sequence = nextSequence++;
            completed.put(sequence, new Completed(null, ApiResponse.SILENT, token.token().orElse(null)));
            writeReady(ctx);
        } else if (step instanceof SaslStep.Close close) {
            authenticationFailed = true;
            ctx.channel().config().setAutoRead(false);
            logSaslClose(System.nanoTime(), close.reason());
            long answerSequence = close.answer().isPresent() ? nextSequence++ : -1;
            long closeSequence = nextSequence++;
            Runnable finish = () -> {
                close.answer().ifPresent(answer -> completed.put(answerSequence,
                        new Completed(answer.header(), new ApiResponse.Send(answer.body()), null)));
                completed.put(closeSequence, new Completed(null, new ApiResponse.Close(close.reason()), null));
                writeReady(ctx);
            };
            if (close.delayMs() > 0) {
                ctx.executor().schedule(finish, close.delayMs(), TimeUnit.MILLISECONDS);
            } else {
                finish.run();
            }
        }
    }

    /**
     * One WARN line per connection the authenticator closes (a failed authentication, a request out
     * of turn, an expired session), rate-limited like the connection lines; never a secret.
     */
    private void logSaslClose(long nowNs, String reason) {
        closeLogged = true;
        long suppressed = AUTHENTICATION_LINES.tryAcquire(nowNs);
        if (suppressed < 0) {
            return;
        }
        if (suppressed > 0) {
            LOG.warn("{} SASL close lines were held back (more than {} a second)", suppressed,
                    CONNECTION_LINES_PER_SECOND);
        }
        LOG.warn("Closing SASL connection from {} on listener {}: {}", clientAddress, listenerName, reason);
    }

    /** An ApiVersions version we do not serve gets a v0 error listing our range, so the client can retry lower. */
    private void answerUnsupportedApiVersions(ChannelHandlerContext ctx, RequestHeader header) {
        long sequence = nextSequence++;
        complete(ctx, sequence, header, new ApiResponse.Send(dispatcher.unsupportedApiVersionsResponse()), null);
    }

    private void complete(ChannelHandlerContext ctx, long sequence, RequestHeader header, ApiResponse response,
            Throwable error) {
        if (error != null) {
            LOG.error("Handling {} from {} failed unexpectedly", header.apiKey(), clientAddress, error);
            response = new ApiResponse.Close("internal error: " + error);
        }
        completed.put(sequence, new Completed(header, response, null));
        writeReady(ctx);
    }

    private void writeReady(ChannelHandlerContext ctx) {
        boolean wrote = false;
        Completed next;
        while (!closing && (next = completed.remove(nextToWrite)) != null) {
            nextToWrite++;
            ApiResponse response = next.response();
            if (next.token() != null) {
                ctx.write(ctx.alloc().heapBuffer(4 + next.token().length).writeInt(next.token().length)
                        .writeBytes(next.token()));
                wrote = true;
            } else if (response instanceof ApiResponse.Send send) {
                write(ctx, next.header(), send);
                wrote = true;
            } else if (response instanceof ApiResponse.Close close) {
                close(ctx, close.reason());
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (!closing && !authenticationFailed && nextSequence - nextToWrite <= MAX_PENDING / 2
                && System.nanoTime() - throttledUntilNs >= 0 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * A client over its quota reads nothing more until its throttle time has passed (Kafka mutes the
     * channel); the answer carrying the time is written first.
     */
    private void throttle(ChannelHandlerContext ctx, int throttleMs) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(throttleMs);
        if (until - throttledUntilNs <= 0) {
            return;
        }
        throttledUntilNs = until;
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            if (!closing && System.nanoTime() - throttledUntilNs >= 0 && nextSequence - nextToWrite <= MAX_PENDING / 2) {
                ctx.channel().config().setAutoRead(true);
            }
        }, throttleMs, TimeUnit.MILLISECONDS);
    }

    private void write(ChannelHandlerContext ctx, RequestHeader requestHeader, ApiResponse.Send send) {
        if (send.throttleMs() > 0) {
            throttle(ctx, send.throttleMs());
        }
        short version = requestHeader.apiKey() == ApiKeys.API_VERSIONS
                && !dispatcher.supports(ApiKeys.API_VERSIONS, requestHeader.apiVersion()) ? 0 : requestHeader.apiVersion();
        ResponseHeader header = new ResponseHeader(requestHeader.correlationId(),
                requestHeader.apiKey().responseHeaderVersion(version));
        List<Object> parts;
        try {
            parts = ResponseWriter.encode(ctx.alloc(), header, send.body(), version);
        } catch (RuntimeException e) {
            LOG.error("Could not encode the {} v{} response for {}", requestHeader.apiKey(), version, clientAddress, e);
            close(ctx, "a response could not be encoded, so later ones would be out of order");
            return;
        }
        for (Object part : parts) {
            ctx.write(tls && part instanceof FileSliceRegion region ? new FileSliceChunks(region) : part);
        }
    }

    private void close(ChannelHandlerContext ctx, String reason) {
        if (!closing) {
            closing = true;
            closedBy = ClosedBy.BROKER;
            closeReason = "by the broker: " + reason;
            if (!closeLogged) {
                LOG.warn("Closing connection from {}: {}", clientAddress, reason);
            }
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A connection idle for {@code connections.max.idle.ms} is closed, quietly: clients reconnect when they need to. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.ALL_IDLE) {
            if (!closing) {
                closing = true;
                closedBy = ClosedBy.BROKER;
                closeReason = "by the broker: idle for longer than connections.max.idle.ms";
                LOG.debug("Closing connection from {}: idle for longer than connections.max.idle.ms", clientAddress);
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
            close(ctx, (sasl != null && !sasl.isAuthenticated()
                    ? "frame larger than sasl.server.max.receive.size before authentication ("
                    : "request frame larger than socket.request.max.bytes (") + cause.getMessage() + ")");
        } else if (cause.getCause() instanceof NotSslRecordException) {
            metrics.tlsFailed(listenerName, true);
            close(ctx, "not a TLS record on TLS listener " + listenerName + ": a plaintext client?");
        } else if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            metrics.tlsFailed(listenerName, false);
            close(ctx, "TLS failed on listener " + listenerName + ": "
                    + (cause instanceof SSLException ? cause : cause.getCause()).getMessage());
        } else if (cause instanceof SocketException || cause instanceof java.io.IOException) {
            LOG.debug("Connection from {} failed: {}", clientAddress, cause.toString());
            if (!closing) {
                closedBy = ClosedBy.ERROR;
                closeReason = "after a network error (" + cause.getMessage() + ")";
            }
            ctx.close();
        } else {
            close(ctx, "unexpected error: " + cause);
        }
    }
}
