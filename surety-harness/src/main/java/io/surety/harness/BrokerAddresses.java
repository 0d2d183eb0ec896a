package io.surety.harness;

import java.nio.ByteBuffer;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Rewrites the broker addresses a cluster hands its clients so that they name the proxy instead.
 * Kafka clients bootstrap once and then connect to the addresses in Metadata (and FindCoordinator,
 * DescribeCluster) responses; without this, a client would reach the broker directly after its
 * first request and the proxy's faults would miss it. Every broker is mapped to the one proxy
 * address, which is right for a single-broker cluster (a proxy per broker is not built).
 */
final class BrokerAddresses {

    private final String host;
    private final int port;

    BrokerAddresses(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Whether responses to this API carry broker addresses. */
    static boolean carriesAddresses(short apiKey) {
        return apiKey == ApiKeys.METADATA.id || apiKey == ApiKeys.FIND_COORDINATOR.id
                || apiKey == ApiKeys.DESCRIBE_CLUSTER.id;
    }

    /**
     * Returns the response frame (size prefix included) with every broker address replaced.
     *
     * @param frameBody the frame after its size prefix: response header and body
     */
    byte[] rewrite(short apiKey, short apiVersion, byte[] frameBody) {
        ApiKeys api = ApiKeys.forId(apiKey);
        short headerVersion = api.responseHeaderVersion(apiVersion);
        ByteBuffer in = ByteBuffer.wrap(frameBody);
        ResponseHeader header = ResponseHeader.parse(in, headerVersion);
        ByteBufferAccessor reader = new ByteBufferAccessor(in);
        ApiMessage body = switch (api) {
            case METADATA -> readdressed(new MetadataResponseData(reader, apiVersion));
            case FIND_COORDINATOR -> readdressed(new FindCoordinatorResponseData(reader, apiVersion), apiVersion);
            case DESCRIBE_CLUSTER -> readdressed(new DescribeClusterResponseData(reader, apiVersion));
            default -> throw new IllegalArgumentException("no broker addresses in " + api);
        };
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.data().size(cache, headerVersion) + body.size(cache, apiVersion);
        ByteBuffer out = ByteBuffer.allocate(Integer.BYTES + size);
        out.putInt(size);
        ByteBufferAccessor writer = new ByteBufferAccessor(out);
        header.data().write(writer, cache, headerVersion);
        body.write(writer, cache, apiVersion);
        return out.array();
    }

    private MetadataResponseData readdressed(MetadataResponseData data) {
        data.brokers().forEach(broker -> broker.setHost(host).setPort(port));
        return data;
    }

    /** Before v4 one coordinator is described at the top level; from v4 on, a list (KIP-699). */
    private FindCoordinatorResponseData readdressed(FindCoordinatorResponseData data, short apiVersion) {
        if (apiVersion < 4 && data.errorCode() == Errors.NONE.code() && data.port() >= 0) {
            data.setHost(host).setPort(port);
        }
        data.coordinators().stream()
                .filter(coordinator -> coordinator.errorCode() == Errors.NONE.code() && coordinator.port() >= 0)
                .forEach(coordinator -> coordinator.setHost(host).setPort(port));
        return data;
    }

    private DescribeClusterResponseData readdressed(DescribeClusterResponseData data) {
        data.brokers().forEach(broker -> broker.setHost(host).setPort(port));
        return data;
    }
}
