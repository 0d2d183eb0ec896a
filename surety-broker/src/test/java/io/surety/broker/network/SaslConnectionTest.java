package io.surety.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.surety.broker.api.ApiDispatcher;
import io.surety.broker.api.BrokerServices;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.metrics.BrokerMetrics;
import io.surety.broker.security.AuthenticationEvents;
import io.surety.broker.security.SaslListener;
import io.surety.broker.security.SaslMechanisms;
import io.surety.broker.security.SaslSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A SASL listener's connection without sockets: the authenticator's answers go out in request order
 * with the dispatched ones, a failed authentication is answered only after the delay and then
 * closed, and the frame limit before authentication is {@code sasl.server.max.receive.size}.
 */
class SaslConnectionTest {

    private static final int MAX_RECEIVE = 256;
    private static final int MAX_FRAME = 4096;

    private final BrokerMetrics metrics = BrokerMetrics.create();
    private final ApiDispatcher dispatcher = new ApiDispatcher(new BrokerServices(BrokerConfig.of(Map.of()), null, null,
            null, null, null, null, null, null, null, null, null, null, () -> 0, metrics, null),
            metrics.requests());
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void shouldAnswerVersionsHandshakeAndAuthenticateInRequestOrderWhenSentTogether() {
        EmbeddedChannel channel = channel(0);
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(sized(new ApiVersionsRequest.Builder().build((short) 3), 1));
        all.writeBytes(sized(handshake(), 2));
        all.writeBytes(sized(authenticate("alice-secret"), 3));
        all.writeBytes(sized(new ApiVersionsRequest.Builder().build((short) 3), 4));
        channel.writeInbound(all);
        channel.runPendingTasks();

        List<ByteBuffer> responses = ResponseFrames.read(channel);
        assertThat(responses).hasSize(4);
        ApiVersionsResponseData versions = new ApiVersionsResponseData(body(responses.get(0), 1, ApiKeys.API_VERSIONS,
                (short) 3), (short) 3);
        assertThat(versions.apiKeys().find(ApiKeys.SASL_HANDSHAKE.id).maxVersion()).isEqualTo((short) 1);
        assertThat(versions.apiKeys().find(ApiKeys.SASL_AUTHENTICATE.id).maxVersion()).isEqualTo((short) 2);
        SaslHandshakeResponseData handshake = new SaslHandshakeResponseData(body(responses.get(1), 2,
                ApiKeys.SASL_HANDSHAKE, (short) 1), (short) 1);
        assertThat(handshake.mechanisms()).containsExactly("PLAIN");
        SaslAuthenticateResponseData authenticated = new SaslAuthenticateResponseData(body(responses.get(2), 3,
                ApiKeys.SASL_AUTHENTICATE, (short) 2), (short) 2);
        assertThat(Errors.forCode(authenticated.errorCode())).isEqualTo(Errors.NONE);
        body(responses.get(3), 4, ApiKeys.API_VERSIONS, (short) 3);
        assertThat(channel.isOpen()).isTrue();

        channel.writeInbound(Unpooled.wrappedBuffer(sized(handshake(), 5)));
        channel.runPendingTasks();
        SaslHandshakeResponseData again = new SaslHandshakeResponseData(body(ResponseFrames.read(channel).get(0), 5,
                ApiKeys.SASL_HANDSHAKE, (short) 1), (short) 1);
        assertThat(Errors.forCode(again.errorCode())).as("authenticated, session never expires")
                .isEqualTo(Errors.ILLEGAL_SASL_STATE);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldAnswerAWrongPasswordOnlyAfterTheDelayAndThenClose() {
        EmbeddedChannel channel = channel(100);
        channel.freezeTime();
        channel.writeInbound(Unpooled.wrappedBuffer(sized(handshake(), 1), sized(authenticate("wrong"), 2)));
        channel.runPendingTasks();
        List<ByteBuffer> before = ResponseFrames.read(channel);
        assertThat(before).hasSize(1);
        assertThat(channel.isOpen()).isTrue();

        channel.writeInbound(Unpooled.wrappedBuffer(sized(new ApiVersionsRequest.Builder().build((short) 3), 3)));
        channel.advanceTimeBy(99, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(ResponseFrames.read(channel)).isEmpty();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        List<ByteBuffer> after = ResponseFrames.read(channel);
        assertThat(after).as("the failure answer only; nothing read after the failure").hasSize(1);
        SaslAuthenticateResponseData failed = new SaslAuthenticateResponseData(body(after.get(0), 2,
                ApiKeys.SASL_AUTHENTICATE, (short) 2), (short) 2);
        assertThat(Errors.forCode(failed.errorCode())).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldCloseOnAFrameOverTheSaslLimitBeforeAuthenticationAndAllowTheRequestLimitAfter() {
        EmbeddedChannel before = channel(0);
        before.writeInbound(Unpooled.buffer().writeInt(MAX_RECEIVE + 1).writeZero(8));
        before.runPendingTasks();
        assertThat(ResponseFrames.read(before)).isEmpty();
        assertThat(before.isOpen()).isFalse();

        EmbeddedChannel after = channel(0);
        after.writeInbound(Unpooled.wrappedBuffer(sized(handshake(), 1), sized(authenticate("alice-secret"), 2)));
        after.runPendingTasks();
        assertThat(ResponseFrames.read(after)).hasSize(2);
        byte[] large = sized(new ApiVersionsRequest.Builder().build((short) 3), 3, "x".repeat(1000));
        assertThat(large.length).isGreaterThan(MAX_RECEIVE);
        after.writeInbound(Unpooled.wrappedBuffer(large));
        after.runPendingTasks();
        assertThat(ResponseFrames.read(after)).hasSize(1);
        assertThat(after.isOpen()).isTrue();
    }

    @Test
    void shouldCloseWithoutAnswerWhenAnotherApiComesBeforeAuthentication() {
        EmbeddedChannel channel = channel(0);
        byte[] frame = sized(new ApiVersionsRequest.Builder().build((short) 3), 1);
        ByteBuffer.wrap(frame).putShort(4, ApiKeys.METADATA.id);
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        channel.runPendingTasks();
        assertThat(ResponseFrames.read(channel)).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldCarryBareTokensAfterAVersionZeroHandshake() {
        EmbeddedChannel channel = channel(0);
        channel.writeInbound(Unpooled.wrappedBuffer(sized(new SaslHandshakeRequest(new SaslHandshakeRequestData()
                .setMechanism("PLAIN"), (short) 0), 1)));
        channel.runPendingTasks();
        assertThat(ResponseFrames.read(channel)).hasSize(1);
        byte[] token = "\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8);
        channel.writeInbound(Unpooled.buffer().writeInt(token.length).writeBytes(token));
        channel.runPendingTasks();
        ByteBuf answer = Unpooled.buffer();
        Object part;
        while ((part = channel.readOutbound()) != null) {
            answer.writeBytes((ByteBuf) part);
            ((ByteBuf) part).release();
        }
        assertThat(answer.readableBytes()).as("PLAIN's empty challenge, size-prefixed").isEqualTo(4);
        assertThat(answer.readInt()).isZero();
        answer.release();
        channel.writeInbound(Unpooled.wrappedBuffer(sized(new ApiVersionsRequest.Builder().build((short) 3), 2)));
        channel.runPendingTasks();
        body(ResponseFrames.read(channel).get(0), 2, ApiKeys.API_VERSIONS, (short) 3);
    }

    @Test
    void shouldAnswerIllegalSaslStateAndKeepTheConnectionWhenSaslComesOnAListenerWithoutIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                NettyServer.configure(ch.pipeline(), "PLAINTEXT", MAX_FRAME, dispatcher, Runnable::run,
                        metrics.connections());
            }
        });
        channels.add(channel);
        channel.writeInbound(Unpooled.wrappedBuffer(sized(handshake(), 1), sized(authenticate("alice-secret"), 2)));
        channel.runPendingTasks();
        List<ByteBuffer> responses = ResponseFrames.read(channel);
        assertThat(responses).hasSize(2);
        SaslHandshakeResponseData handshake = new SaslHandshakeResponseData(body(responses.get(0), 1,
                ApiKeys.SASL_HANDSHAKE, (short) 1), (short) 1);
        assertThat(Errors.forCode(handshake.errorCode())).isEqualTo(Errors.ILLEGAL_SASL_STATE);
        SaslAuthenticateResponseData authenticate = new SaslAuthenticateResponseData(body(responses.get(1), 2,
                ApiKeys.SASL_AUTHENTICATE, (short) 2), (short) 2);
        assertThat(Errors.forCode(authenticate.errorCode())).isEqualTo(Errors.ILLEGAL_SASL_STATE);
        assertThat(channel.isOpen()).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    private EmbeddedChannel channel(long failureDelayMs) {
        Map<String, Object> options = new HashMap<>(Map.of("user_alice", "alice-secret"));
        List<AppConfigurationEntry> jaas = List.of(new AppConfigurationEntry(PlainLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options));
        SaslListener sasl = new SaslListener(SaslMechanisms.of(List.of("PLAIN"), Map.of("PLAIN", jaas)),
                new SaslSettings(failureDelayMs, Map.of(), MAX_RECEIVE), AuthenticationEvents.NONE);
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                NettyServer.configure(ch.pipeline(), "SASL_PLAINTEXT", MAX_FRAME, dispatcher, Runnable::run,
                        metrics.connections(), false, sasl);
            }
        });
        channels.add(channel);
        return channel;
    }

    private static SaslHandshakeRequest handshake() {
        return new SaslHandshakeRequest(new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 1);
    }

    private static SaslAuthenticateRequest authenticate(String password) {
        return new SaslAuthenticateRequest(new SaslAuthenticateRequestData().setAuthBytes(
                ("\0alice\0" + password).getBytes(StandardCharsets.UTF_8)), (short) 2);
    }

    private static byte[] sized(AbstractRequest request, int correlationId) {
        return sized(request, correlationId, "sasl-test");
    }

    private static byte[] sized(AbstractRequest request, int correlationId, String clientId) {
        ByteBuffer body = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), clientId,
                correlationId));
        byte[] frame = new byte[4 + body.remaining()];
        ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
        return frame;
    }

    private static ByteBufferAccessor body(ByteBuffer frame, int correlationId, ApiKeys api, short version) {
        ResponseHeader header = ResponseHeader.parse(frame, api.responseHeaderVersion(version));
        assertThat(header.correlationId()).isEqualTo(correlationId);
        return new ByteBufferAccessor(frame);
    }

}
