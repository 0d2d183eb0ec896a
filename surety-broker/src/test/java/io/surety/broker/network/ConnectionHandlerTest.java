package io.surety.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.surety.broker.LogCapture;
import io.surety.broker.api.ApiDispatcher;
import io.surety.broker.api.BrokerServices;
import io.surety.broker.api.ServedVersions;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.metrics.BrokerMetrics;
import io.surety.broker.metrics.PrometheusText;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection pipeline (frame decoder, request decoding, ordered responses) without sockets:
 * frames go into an {@link EmbeddedChannel} split in every possible way, and each response frame
 * that comes out is decoded with kafka-clients. Handlers run inline; only ApiVersions and bad
 * input are exercised, so no broker service is needed.
 */
class ConnectionHandlerTest {

    private static final int MAX_FRAME_BYTES = 4096;

    /**
     * ApiVersions, and every rejection before dispatch, touch no broker service: the handler
     * table is built with a configuration and metrics only.
     */
    private final BrokerMetrics metrics = BrokerMetrics.create();
    private final ApiDispatcher dispatcher = new ApiDispatcher(new BrokerServices(BrokerConfig.of(Map.of()), null, null,
            null, null, null, null, null, null, null, null, null, null, () -> 0, metrics, null),
            metrics.requests());
    private final LogCapture log = LogCapture.attach(ConnectionHandler.class.getName(), true);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        log.close();
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void shouldAnswerExactlyOnceWhenApiVersionsIsSplitAtEveryByte() {
        for (short version = 0; version <= ApiKeys.API_VERSIONS.latestVersion(); version++) {
            byte[] frame = apiVersionsFrame(version, 40 + version);
            for (int split = 0; split <= frame.length; split++) {
                EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
                feed(channel, frame, 0, split);
                feed(channel, frame, split, frame.length);
                List<ByteBuffer> responses = ResponseFrames.read(channel);
                assertThat(responses).as("version %d split at %d", version, split).hasSize(1);
                assertApiVersionsResponse(responses.get(0), version, 40 + version, Errors.NONE);
                assertThat(channel.isOpen()).isTrue();
            }
        }
    }

    @Test
    void shouldAnswerExactlyOnceWhenApiVersionsArrivesOneByteAtATime() {
        byte[] frame = apiVersionsFrame((short) 3, 9);
        EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
        for (int i = 0; i < frame.length; i++) {
            assertThat(ResponseFrames.read(channel)).isEmpty();
            feed(channel, frame, i, i + 1);
        }
        List<ByteBuffer> responses = ResponseFrames.read(channel);
        assertThat(responses).hasSize(1);
        assertApiVersionsResponse(responses.get(0), (short) 3, 9, Errors.NONE);
    }

    @Test
    void shouldAnswerInRequestOrderWhenSeveralRequestsShareOneBuffer() {
        ByteBuffer all = ByteBuffer.allocate(3 * 200);
        for (int correlationId = 1; correlationId <= 3; correlationId++) {
            all.put(apiVersionsFrame((short) (correlationId - 1), correlationId));
        }
        all.flip();
        byte[] bytes = new byte[all.remaining()];
        all.get(bytes);
        for (int split = 0; split <= bytes.length; split++) {
            EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
            feed(channel, bytes, 0, split);
            feed(channel, bytes, split, bytes.length);
            List<ByteBuffer> responses = ResponseFrames.read(channel);
            assertThat(responses).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertApiVersionsResponse(responses.get(i), (short) i, i + 1, Errors.NONE);
            }
        }
    }

    @Test
    void shouldAnswerUnsupportedVersionAtV0WhenApiVersionsVersionIsUnknown() {
        ByteBuffer frame = ByteBuffer.allocate(64);
        frame.putInt(0).putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(77)
                .putShort((short) 3).put("cli".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put((byte) 0)
                .put(new byte[] {4, 'a', 'b', 'c', 2, '1', 0});
        frame.putInt(0, frame.position() - 4).flip();
        EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        channel.runPendingTasks();
        List<ByteBuffer> responses = ResponseFrames.read(channel);
        assertThat(responses).hasSize(1);
        ApiVersionsResponseData data = assertApiVersionsResponse(responses.get(0), (short) 0, 77,
                Errors.UNSUPPORTED_VERSION);
        assertThat(data.apiKeys()).containsExactly(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id)
                .setMinVersion((short) 0).setMaxVersion(ApiKeys.API_VERSIONS.latestVersion()));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldServeFrameAtLimitAndCloseWhenOneByteLarger() {
        int overhead = apiVersionsFrame((short) 3, 1, "").length - 4;
        byte[] atLimit = apiVersionsFrame((short) 3, 1, "x".repeat(MAX_FRAME_BYTES - overhead));
        assertThat(atLimit.length - 4).isEqualTo(MAX_FRAME_BYTES);
        EmbeddedChannel served = channel(MAX_FRAME_BYTES);
        feed(served, atLimit, 0, atLimit.length);
        List<ByteBuffer> responses = ResponseFrames.read(served);
        assertThat(responses).hasSize(1);
        assertApiVersionsResponse(responses.get(0), (short) 3, 1, Errors.NONE);

        byte[] overLimit = apiVersionsFrame((short) 3, 2, "x".repeat(MAX_FRAME_BYTES - overhead + 1));
        EmbeddedChannel closed = channel(MAX_FRAME_BYTES);
        feed(closed, overLimit, 0, 100);
        assertClosedWithoutAnswer(closed);
        assertThat(log.keptWarnings()).anyMatch(line -> line.contains("embedded")
                && line.contains("larger than socket.request.max.bytes"));
    }

    @Test
    void shouldCountRequestsAndWhoClosedWhenTheClientOrTheBrokerEndsAConnection() {
        byte[] frame = apiVersionsFrame((short) 3, 1);
        EmbeddedChannel byClient = channel(MAX_FRAME_BYTES);
        feed(byClient, frame, 0, frame.length);
        assertThat(ResponseFrames.read(byClient)).hasSize(1);
        byClient.close();
        EmbeddedChannel byBroker = channel(MAX_FRAME_BYTES);
        byBroker.writeInbound(Unpooled.buffer().writeInt(-5).writeZero(20));
        assertClosedWithoutAnswer(byBroker);

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());
        assertThat(scrape.value("surety_requests_total", "api", "ApiVersions")).hasValue(1);
        assertThat(scrape.value("surety_connections_opened_total")).hasValue(2);
        assertThat(scrape.value("surety_connections_closed_total", "by", "client")).hasValue(1);
        assertThat(scrape.value("surety_connections_closed_total", "by", "broker")).hasValue(1);
        assertThat(scrape.value("surety_connections_active")).hasValue(0);
    }

    @Test
    void shouldCloseWithoutAnswerWhenFrameSizeIsNegative() {
        EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
        channel.writeInbound(Unpooled.buffer().writeInt(-5).writeZero(20));
        assertClosedWithoutAnswer(channel);
    }

    @Test
    void shouldCloseWithoutAnswerWhenFrameIsEmptyOrHeaderIsCut() {
        for (int size = 0; size < 8; size++) {
            EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
            byte[] valid = apiVersionsFrame((short) 1, 1);
            ByteBuf frame = Unpooled.buffer().writeInt(size).writeBytes(valid, 4, size);
            channel.writeInbound(frame);
            assertClosedWithoutAnswer(channel);
        }
    }

    @Test
    void shouldCloseWithoutAnswerWhenApiKeyIsUnknown() {
        byte[] frame = apiVersionsFrame((short) 1, 5);
        ByteBuffer.wrap(frame).putShort(4, (short) 999);
        EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        assertClosedWithoutAnswer(channel);
        assertThat(log.keptWarnings()).anyMatch(line -> line.contains("embedded") && line.contains("999"));
    }

    @Test
    void shouldCloseWithoutAnswerWhenKnownApiHasNoHandler() {
        byte[] frame = apiVersionsFrame((short) 1, 5);
        ByteBuffer.wrap(frame).putShort(4, ApiKeys.DESCRIBE_GROUPS.id);
        EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        assertClosedWithoutAnswer(channel);
    }

    @Test
    void shouldCloseWithoutAnswerWhenSupportedApiVersionsBodyIsGarbage() {
        byte[] valid = apiVersionsFrame((short) 3, 5);
        int headerEnd = valid.length - bodyLength((short) 3);
        byte[] garbage = valid.clone();
        for (int i = headerEnd; i < garbage.length; i++) {
            garbage[i] = (byte) 0xFF;
        }
        EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
        channel.writeInbound(Unpooled.wrappedBuffer(garbage));
        channel.runPendingTasks();
        assertClosedWithoutAnswer(channel);
    }

    @Test
    void shouldAnswerAndCountTrailingBytesWhenBytesFollowTheBody() {
        byte[] valid = apiVersionsFrame((short) 3, 6);
        byte[] trailing = ByteBuffer.allocate(valid.length + 3).putInt(valid.length - 4 + 3)
                .put(valid, 4, valid.length - 4).put(new byte[] {1, 2, 3}).array();
        for (int split = 0; split <= trailing.length; split++) {
            EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
            feed(channel, trailing, 0, split);
            feed(channel, trailing, split, trailing.length);
            List<ByteBuffer> responses = ResponseFrames.read(channel);
            assertThat(responses).as("split at %d", split).hasSize(1);
            assertApiVersionsResponse(responses.get(0), (short) 3, 6, Errors.NONE);
            assertThat(channel.isOpen()).isTrue();
        }
        PrometheusText scrape = PrometheusText.scrape(metrics.registry());
        assertThat(scrape.value("surety_requests_trailing_bytes_total", "api", "ApiVersions"))
                .hasValue(3.0 * (trailing.length + 1));
        assertThat(scrape.value("surety_connections_closed_total", "by", "broker")).hasValue(0);
        assertThat(log.warnings()).isZero();
    }

    @Test
    void shouldAdvertiseProduceFromVersionZeroButCloseWhenProduceVersionIsBelowThree() {
        EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
        byte[] apiVersions = apiVersionsFrame((short) 3, 1);
        feed(channel, apiVersions, 0, apiVersions.length);
        List<ByteBuffer> responses = ResponseFrames.read(channel);
        assertThat(responses).hasSize(1);
        ApiVersionsResponseData data = assertApiVersionsResponse(responses.get(0), (short) 3, 1, Errors.NONE);
        assertThat(data.apiKeys().find(ApiKeys.PRODUCE.id).minVersion()).isZero();
        assertThat(data.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion())
                .isEqualTo(ServedVersions.of(ApiKeys.PRODUCE).orElseThrow().max());

        for (short version = 0; version <= 2; version++) {
            EmbeddedChannel produce = channel(MAX_FRAME_BYTES);
            ByteBuffer frame = ByteBuffer.allocate(64);
            frame.putInt(0).putShort(ApiKeys.PRODUCE.id).putShort(version).putInt(9).putShort((short) -1)
                    .putShort((short) 1).putInt(1000).putInt(0);
            frame.putInt(0, frame.position() - 4).flip();
            produce.writeInbound(Unpooled.wrappedBuffer(frame));
            assertClosedWithoutAnswer(produce);
        }
        assertThat(log.keptWarnings()).anyMatch(line -> line.contains("PRODUCE version 2"));
    }

    @Test
    void shouldIgnoreFramesAfterBadOneWhenClosing() {
        byte[] good = apiVersionsFrame((short) 2, 1);
        byte[] bad = apiVersionsFrame((short) 2, 2);
        ByteBuffer.wrap(bad).putShort(4, (short) -7);
        byte[] after = apiVersionsFrame((short) 2, 3);
        ByteBuf all = Unpooled.buffer().writeBytes(good).writeBytes(bad).writeBytes(after);
        EmbeddedChannel channel = channel(MAX_FRAME_BYTES);
        channel.writeInbound(all);
        channel.runPendingTasks();
        List<ByteBuffer> responses = ResponseFrames.read(channel);
        assertThat(responses.size()).isLessThanOrEqualTo(1);
        if (!responses.isEmpty()) {
            assertApiVersionsResponse(responses.get(0), (short) 2, 1, Errors.NONE);
        }
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldServeWhenFrameLimitIsLargestInt() {
        EmbeddedChannel channel = channel(Integer.MAX_VALUE);
        byte[] frame = apiVersionsFrame((short) 3, 8);
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        channel.runPendingTasks();
        List<ByteBuffer> responses = ResponseFrames.read(channel);
        assertThat(responses).hasSize(1);
        assertApiVersionsResponse(responses.get(0), (short) 3, 8, Errors.NONE);
    }

    // ---------------------------------------------------------------- helpers

    private EmbeddedChannel channel(int maxFrameBytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                NettyServer.configure(ch.pipeline(), "PLAINTEXT", maxFrameBytes, dispatcher, Runnable::run, metrics.connections());
            }
        });
        channels.add(channel);
        return channel;
    }

    private static void feed(EmbeddedChannel channel, byte[] bytes, int from, int to) {
        if (to > from) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, to - from));
        }
        channel.runPendingTasks();
    }

    private static byte[] apiVersionsFrame(short version, int correlationId) {
        return apiVersionsFrame(version, correlationId, "client-" + correlationId);
    }

    private static byte[] apiVersionsFrame(short version, int correlationId, String clientId) {
        ApiVersionsRequest request = new ApiVersionsRequest.Builder().build(version);
        ByteBuffer body = request.serializeWithHeader(
                new RequestHeader(ApiKeys.API_VERSIONS, version, clientId, correlationId));
        byte[] frame = new byte[4 + body.remaining()];
        ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
        return frame;
    }

    private static int bodyLength(short version) {
        return new ApiVersionsRequest.Builder().build(version).serialize().buffer().remaining();
    }


    private static ApiVersionsResponseData assertApiVersionsResponse(ByteBuffer frame, short version,
            int correlationId, Errors error) {
        ResponseHeader header = ResponseHeader.parse(frame, ApiKeys.API_VERSIONS.responseHeaderVersion(version));
        assertThat(header.correlationId()).isEqualTo(correlationId);
        ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(frame), version);
        assertThat(frame.hasRemaining()).as("response consumed exactly").isFalse();
        assertThat(Errors.forCode(data.errorCode())).isEqualTo(error);
        if (error == Errors.NONE) {
            assertThat(data.apiKeys()).extracting(ApiVersion::apiKey).contains(ApiKeys.API_VERSIONS.id,
                    ApiKeys.METADATA.id, ApiKeys.PRODUCE.id, ApiKeys.FETCH.id);
        }
        return data;
    }

    private static void assertClosedWithoutAnswer(EmbeddedChannel channel) {
        channel.runPendingTasks();
        assertThat(ResponseFrames.read(channel)).isEmpty();
        assertThat(channel.isOpen()).as("connection closed").isFalse();
    }
}
