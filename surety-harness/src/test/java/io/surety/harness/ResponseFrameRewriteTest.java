package io.surety.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;

class ResponseFrameRewriteTest {

    private static final short METADATA_VERSION = 12;
    private static final byte[] UNRELATED = FrameClient.responseFrame(6, new byte[] {1, 2, 3});

    @Test
    void shouldPointEveryBrokerAtTheProxyWhenSplitAtEveryByte() {
        byte[] metadata = metadataFrame(7, "10.0.0.5", 9092);
        byte[] stream = concat(UNRELATED, metadata, UNRELATED);
        for (int split = 0; split <= stream.length; split++) {
            Map<Integer, ResponseFrameFilter.Rewrite> rewrites = new ConcurrentHashMap<>();
            rewrites.put(7, new ResponseFrameFilter.Rewrite(ApiKeys.METADATA.id, METADATA_VERSION));
            ResponseFrameFilter filter = new ResponseFrameFilter(new PendingDrops(), () -> { }, false, rewrites,
                    new BrokerAddresses("127.0.0.1", 41000));

            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            filter.filter(stream, 0, split, kept);
            filter.filter(stream, split, stream.length - split, kept);

            byte[] out = kept.toByteArray();
            byte[] rewritten = Arrays.copyOfRange(out, UNRELATED.length, out.length - UNRELATED.length);
            assertThat(Arrays.copyOfRange(out, 0, UNRELATED.length)).as("split at %d", split).isEqualTo(UNRELATED);
            assertThat(Arrays.copyOfRange(out, out.length - UNRELATED.length, out.length)).isEqualTo(UNRELATED);
            MetadataResponseData parsed = parseMetadata(rewritten);
            assertThat(parsed.brokers()).hasSize(1);
            assertThat(parsed.brokers().iterator().next().host()).isEqualTo("127.0.0.1");
            assertThat(parsed.brokers().iterator().next().port()).isEqualTo(41000);
            assertThat(parsed.clusterId()).isEqualTo("cluster-a");
            assertThat(rewrites).isEmpty();
        }
    }

    @Test
    void shouldSwallowOneFrameAndRewriteTheNext() {
        byte[] metadata = metadataFrame(7, "10.0.0.5", 9092);
        byte[] stream = concat(UNRELATED, metadata);
        PendingDrops drops = new PendingDrops();
        drops.add(6, new AtomicInteger());
        Map<Integer, ResponseFrameFilter.Rewrite> rewrites = new ConcurrentHashMap<>();
        rewrites.put(7, new ResponseFrameFilter.Rewrite(ApiKeys.METADATA.id, METADATA_VERSION));
        ResponseFrameFilter filter = new ResponseFrameFilter(drops, () -> { }, false, rewrites,
                new BrokerAddresses("127.0.0.1", 41000));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();

        filter.filter(stream, 0, stream.length, kept);

        MetadataResponseData parsed = parseMetadata(kept.toByteArray());
        assertThat(parsed.brokers().iterator().next().port()).isEqualTo(41000);
        assertThat(drops.isEmpty()).isTrue();
    }

    @Test
    void shouldLeaveUnregisteredResponsesAlone() {
        byte[] metadata = metadataFrame(7, "10.0.0.5", 9092);
        ResponseFrameFilter filter = new ResponseFrameFilter(new PendingDrops(), () -> { }, false, new ConcurrentHashMap<>(),
                new BrokerAddresses("127.0.0.1", 1));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();

        filter.filter(metadata, 0, metadata.length, kept);

        assertThat(kept.toByteArray()).isEqualTo(metadata);
    }

    private static byte[] metadataFrame(int correlationId, String host, int port) {
        MetadataResponseData body = new MetadataResponseData().setClusterId("cluster-a").setControllerId(1);
        body.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost(host).setPort(port));
        short headerVersion = ApiKeys.METADATA.responseHeaderVersion(METADATA_VERSION);
        ResponseHeader header = new ResponseHeader(correlationId, headerVersion);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.data().size(cache, headerVersion) + body.size(cache, METADATA_VERSION);
        ByteBuffer out = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferAccessor writer = new ByteBufferAccessor(out);
        header.data().write(writer, cache, headerVersion);
        body.write(writer, cache, METADATA_VERSION);
        return out.array();
    }

    private static MetadataResponseData parseMetadata(byte[] frame) {
        ByteBuffer in = ByteBuffer.wrap(frame);
        assertThat(in.getInt()).isEqualTo(frame.length - 4);
        ResponseHeader header = ResponseHeader.parse(in, ApiKeys.METADATA.responseHeaderVersion(METADATA_VERSION));
        assertThat(header.correlationId()).isEqualTo(7);
        return new MetadataResponseData(new ByteBufferAccessor(in), METADATA_VERSION);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
