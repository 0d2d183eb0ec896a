package io.surety.broker.api;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;

/**
 * DescribeCluster: this node as the only broker and as the controller id; in cluster mode the live
 * brokers of the committed image (the fenced ones too when v2 asks) at their endpoints on the
 * listener the request came in on, and
 * the controller id {@link ClusterDescription#controllerId} gives. The node serves the
 * broker endpoint only: a request for the controller endpoint gets MISMATCHED_ENDPOINT_TYPE and
 * an unknown endpoint type UNSUPPORTED_ENDPOINT_TYPE (both INVALID_REQUEST at v0), as from a
 * Kafka broker. Authorized operations are not computed.
 */
final class DescribeClusterHandler implements ApiHandler {


    private final BrokerNode localNode;
    private final Optional<ClusterView> cluster;

    DescribeClusterHandler(BrokerNode localNode, Optional<ClusterView> cluster) {
        this.localNode = localNode;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeClusterRequestData data = ((DescribeClusterRequest) request.body()).data();
        EndpointType requested = EndpointType.fromId(data.endpointType());
        boolean v0 = request.version() == 0;
        DescribeClusterResponseData response = new DescribeClusterResponseData();
        if (requested == EndpointType.UNKNOWN) {
            response.setErrorCode((v0 ? Errors.INVALID_REQUEST : Errors.UNSUPPORTED_ENDPOINT_TYPE).code())
                    .setErrorMessage("Unsupported endpoint type " + data.endpointType());
        } else if (requested != EndpointType.BROKER) {
            response.setErrorCode((v0 ? Errors.INVALID_REQUEST : Errors.MISMATCHED_ENDPOINT_TYPE).code())
                    .setErrorMessage("The request was sent to an endpoint of type " + EndpointType.BROKER
                            + ", but we wanted an endpoint of type " + requested);
        } else {
            response.setErrorCode(Errors.NONE.code())
                    .setEndpointType(EndpointType.BROKER.id())
                    .setClusterId(localNode.clusterId())
                    .setControllerId(localNode.nodeId())
                    .setClusterAuthorizedOperations(AuthorizedOperations.cluster(request.access(),
                            data.includeClusterAuthorizedOperations()));
            if (cluster.isPresent()) {
                describe(cluster.get(), request.listenerName(), data.includeFencedBrokers(), response);
            } else {
                response.brokers().add(localNode.describeClusterBroker());
            }
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    /**
     * The cluster's brokers from the committed image at their endpoints on {@code listener} (those
     * without it left out, as Kafka leaves them out): the live ones, and with v2's flag the fenced
     * ones too.
     */
    private static void describe(ClusterView view, String listener, boolean includeFenced,
                                 DescribeClusterResponseData response) {
        ClusterImage image = view.image();
        response.setControllerId(ClusterDescription.controllerId(view, image, listener));
        image.clusterId().ifPresent(response::setClusterId);
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced() && !includeFenced) {
                continue;
            }
            broker.endpoints().stream().filter(e -> e.name().equals(listener)).findFirst()
                    .ifPresent(endpoint -> response.brokers().add(new DescribeClusterBroker()
                            .setBrokerId(broker.brokerId()).setHost(endpoint.host()).setPort(endpoint.port())
                            .setRack(broker.rack().orElse(null)).setIsFenced(broker.fenced())));
        }
    }
}
