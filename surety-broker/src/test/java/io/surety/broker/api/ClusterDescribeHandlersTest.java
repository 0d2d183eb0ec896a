package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.metadata.ClusterIdentity;
import io.surety.broker.metrics.BrokerMetrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.MetadataRequest;
import org.junit.jupiter.api.Test;

/**
 * The describing APIs in cluster mode, through the dispatcher as a cluster node builds it, against
 * a {@link FakeClusterView}: brokers 1 and 2 live, broker 3 fenced, node 1 answering, node 2 the
 * quorum leader. What they must show comes from the committed image: live brokers at their client
 * endpoints, the controller, leaders, epochs, replicas, ISR and offline replicas.
 */
class ClusterDescribeHandlersTest {

    private final BrokerConfig config = dispatcherConfig();
    private final FakeClusterView cluster = new FakeClusterView(1, config)
            .broker(1, false).broker(2, false).broker(3, true).controller(2);
    private final ApiDispatcher dispatcher = dispatcher(cluster);

    @Test
    void shouldDescribeLiveBrokersTheControllerAndEveryPartitionFromTheImage() {
        Uuid id = cluster.topic("orders", List.of(List.of(1, 2, 3), List.of(2, 3, 1)), List.of(List.of(1, 2), List.of(3)),
                List.of(1, -1), Map.of());

        MetadataResponseData response = (MetadataResponseData) send(new MetadataRequest(
                new MetadataRequestData().setTopics(null), (short) 12));

        assertThat(response.clusterId()).isEqualTo(FakeClusterView.CLUSTER_ID);
        assertThat(response.controllerId()).isEqualTo(2);
        assertThat(response.brokers()).extracting(MetadataResponseBroker::nodeId, MetadataResponseBroker::host,
                MetadataResponseBroker::port).containsExactly(tuple(1, "broker-1", 9092), tuple(2, "broker-2", 9092));
        MetadataResponseTopic topic = response.topics().find("orders");
        assertThat(topic.topicId()).isEqualTo(id);
        assertThat(topic.partitions()).extracting(MetadataResponsePartition::partitionIndex,
                MetadataResponsePartition::errorCode, MetadataResponsePartition::leaderId,
                MetadataResponsePartition::leaderEpoch, MetadataResponsePartition::replicaNodes,
                MetadataResponsePartition::isrNodes, MetadataResponsePartition::offlineReplicas).containsExactly(
                        tuple(0, Errors.NONE.code(), 1, 3, List.of(1, 2, 3), List.of(1, 2), List.of(3)),
                        tuple(1, Errors.LEADER_NOT_AVAILABLE.code(), -1, 3, List.of(2, 3, 1), List.of(3), List.of(3)));
    }

    @Test
    void shouldAnswerUnknownTopicOrIdWhenTheImageHasNoSuchTopic() {
        MetadataResponseData response = (MetadataResponseData) send(new MetadataRequest(new MetadataRequestData()
                .setAllowAutoTopicCreation(false).setTopics(List.of(new MetadataRequestTopic().setName("missing"),
                        new MetadataRequestTopic().setName(null).setTopicId(Uuid.randomUuid()))), (short) 12));

        assertThat(response.topics()).extracting(MetadataResponseTopic::errorCode).containsExactly(
                Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Errors.UNKNOWN_TOPIC_ID.code());
        assertThat(cluster.sent).isEmpty();
    }

    @Test
    void shouldAskTheControllerOnceAndAnswerLeaderNotAvailableWhenAutoCreatingATopic() {
        cluster.holdingAnswers();
        MetadataRequest asking = new MetadataRequest(new MetadataRequestData().setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequestTopic().setName("fresh"))), (short) 12);

        MetadataResponseData first = (MetadataResponseData) send(asking);
        MetadataResponseData second = (MetadataResponseData) send(asking);

        assertThat(first.topics().find("fresh").errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
        assertThat(second.topics().find("fresh").errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
        assertThat(cluster.sent).hasSize(1);
        CreateTopicsRequestData create = (CreateTopicsRequestData) cluster.sent.get(0);
        assertThat(create.topics()).extracting(t -> t.name(), t -> t.numPartitions(), t -> (int) t.replicationFactor())
                .containsExactly(tuple("fresh", 2, 1));

        cluster.answerAll();
        MetadataResponseData third = (MetadataResponseData) send(asking);
        assertThat(third.topics().find("fresh").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(third.topics().find("fresh").partitions()).hasSize(2);
        assertThat(cluster.sent).hasSize(1);
    }

    @Test
    void shouldGiveALiveBrokerAsControllerWhenTheQuorumLeaderIsNotALiveBroker() {
        cluster.controller(3);

        MetadataResponseData response = (MetadataResponseData) send(new MetadataRequest(
                new MetadataRequestData().setTopics(null), (short) 12));

        assertThat(response.controllerId()).isEqualTo(1);
    }

    @Test
    void shouldListLiveBrokersAndTheFencedOnlyWhenAskedWhenDescribingTheCluster() {
        DescribeClusterResponseData live = (DescribeClusterResponseData) send(new DescribeClusterRequest.Builder(
                new DescribeClusterRequestData().setEndpointType(EndpointType.BROKER.id())).build((short) 2));
        DescribeClusterResponseData all = (DescribeClusterResponseData) send(new DescribeClusterRequest.Builder(
                new DescribeClusterRequestData().setEndpointType(EndpointType.BROKER.id()).setIncludeFencedBrokers(true))
                .build((short) 2));

        assertThat(live.controllerId()).isEqualTo(2);
        assertThat(live.clusterId()).isEqualTo(FakeClusterView.CLUSTER_ID);
        assertThat(live.brokers()).extracting(DescribeClusterBroker::brokerId, DescribeClusterBroker::host,
                DescribeClusterBroker::isFenced).containsExactly(tuple(1, "broker-1", false), tuple(2, "broker-2", false));
        assertThat(all.brokers()).extracting(DescribeClusterBroker::brokerId, DescribeClusterBroker::isFenced)
                .containsExactly(tuple(1, false), tuple(2, false), tuple(3, true));
    }

    @Test
    void shouldShowReplicasIsrAndEpochsWhenDescribingTopicPartitions() {
        cluster.topic("orders", List.of(List.of(3, 1, 2)), List.of(List.of(1, 2)), List.of(1), Map.of());

        DescribeTopicPartitionsResponseData response = (DescribeTopicPartitionsResponseData) send(
                new DescribeTopicPartitionsRequest.Builder(new DescribeTopicPartitionsRequestData()
                        .setResponsePartitionLimit(100).setTopics(List.of(new TopicRequest().setName("orders"),
                                new TopicRequest().setName("missing")))).build((short) 0));

        assertThat(response.topics().find("missing").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(response.topics().find("orders").partitions()).extracting(
                DescribeTopicPartitionsResponsePartition::leaderId, DescribeTopicPartitionsResponsePartition::leaderEpoch,
                DescribeTopicPartitionsResponsePartition::replicaNodes, DescribeTopicPartitionsResponsePartition::isrNodes,
                DescribeTopicPartitionsResponsePartition::offlineReplicas)
                .containsExactly(tuple(1, 3, List.of(3, 1, 2), List.of(1, 2), List.of(3)));
    }

    @Test
    void shouldSendClientsToTheLeaderOfTheCoordinatorGroupWhenFindingACoordinator() {
        FakeClusterView onNode2 = new FakeClusterView(2, config).broker(1, false).broker(2, false).broker(3, false)
                .coordinator(3);

        FindCoordinatorResponseData response = (FindCoordinatorResponseData) send(onNode2, new FindCoordinatorRequest.Builder(
                new FindCoordinatorRequestData().setKeyType(CoordinatorType.GROUP.id())
                        .setCoordinatorKeys(List.of("g1", "g2"))).build((short) 4));

        assertThat(response.coordinators()).extracting(c -> c.key(), c -> c.errorCode(), c -> c.nodeId(), c -> c.host(),
                c -> c.port()).containsExactly(tuple("g1", Errors.NONE.code(), 3, "broker-3", 9092),
                        tuple("g2", Errors.NONE.code(), 3, "broker-3", 9092));
    }

    @Test
    void shouldAnswerCoordinatorNotAvailableWhileTheCoordinatorGroupHasNoLeaderThatIsALiveBroker() {
        FakeClusterView leaderless = new FakeClusterView(1, config).broker(1, false);
        FakeClusterView leaderFenced = new FakeClusterView(1, config).broker(1, false).broker(2, true).coordinator(2);

        for (FakeClusterView view : List.of(leaderless, leaderFenced)) {
            FindCoordinatorResponseData response = (FindCoordinatorResponseData) send(view,
                    new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                            .setKeyType(CoordinatorType.GROUP.id()).setKey("g")).build((short) 3));

            assertThat(response.errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
    }

    @Test
    void shouldAnswerTransactionalIdsWithTheGroupsCoordinator() {
        FakeClusterView live = new FakeClusterView(1, config).broker(1, false).broker(2, false).coordinator(2);

        FindCoordinatorResponseData response = (FindCoordinatorResponseData) send(live, new FindCoordinatorRequest.Builder(
                new FindCoordinatorRequestData().setKeyType(CoordinatorType.TRANSACTION.id())
                        .setCoordinatorKeys(List.of("txn"))).build((short) 4));
        FindCoordinatorResponseData groups = (FindCoordinatorResponseData) send(live, new FindCoordinatorRequest.Builder(
                new FindCoordinatorRequestData().setKeyType(CoordinatorType.GROUP.id())
                        .setCoordinatorKeys(List.of("g"))).build((short) 4));

        assertThat(response.coordinators()).extracting(c -> c.errorCode(), c -> c.nodeId())
                .containsExactly(tuple(Errors.NONE.code(), 2));
        assertThat(groups.coordinators()).extracting(c -> c.nodeId()).containsExactly(2);
    }

    @Test
    void shouldAdvertiseElectLeadersAndDescribeQuorumInClusterModeOnly() {
        ApiVersionsRequest request = new ApiVersionsRequest(new ApiVersionsRequestData()
                .setClientSoftwareName("test").setClientSoftwareVersion("1"), (short) 3);
        ApiVersionsResponseData inCluster = (ApiVersionsResponseData) send(request);
        BrokerMetrics metrics = BrokerMetrics.create();
        ApiDispatcher single = new ApiDispatcher(services(config, metrics, Optional.empty()), metrics.requests());
        ApiVersionsResponseData alone = (ApiVersionsResponseData) ((ApiResponse.Send) single
                .dispatch(HandlerFixture.request(request)).join()).body();

        assertThat(inCluster.apiKeys().find(ApiKeys.ELECT_LEADERS.id)).isNotNull();
        assertThat(alone.apiKeys().find(ApiKeys.ELECT_LEADERS.id)).isNull();
        assertThat(single.supports(ApiKeys.ELECT_LEADERS, (short) 2)).isFalse();
        assertThat(inCluster.apiKeys().find(ApiKeys.DESCRIBE_QUORUM.id)).isNotNull();
        assertThat(alone.apiKeys().find(ApiKeys.DESCRIBE_QUORUM.id)).isNull();
        assertThat(alone.apiKeys()).hasSize(inCluster.apiKeys().size() - ServedVersions.clusterOnly().size());
    }

    private ApiMessage send(AbstractRequest body) {
        return send(dispatcher, body);
    }

    private static ApiMessage send(ClusterView view, AbstractRequest body) {
        return send(dispatcher(view), body);
    }

    static ApiMessage send(ApiDispatcher dispatcher, AbstractRequest body) {
        return send(dispatcher, HandlerFixture.request(body));
    }

    static ApiMessage send(ApiDispatcher dispatcher, ApiRequest request) {
        ApiResponse response = dispatcher.dispatch(request).join();
        return ((ApiResponse.Send) response).body();
    }

    /** A dispatcher built as a cluster node builds it ({@code num.partitions=2}), with {@code view} as its cluster. */
    static ApiDispatcher dispatcher(ClusterView view) {
        BrokerMetrics metrics = BrokerMetrics.create();
        return new ApiDispatcher(services(dispatcherConfig(), metrics, Optional.of(view)), metrics.requests());
    }

    static BrokerConfig dispatcherConfig() {
        return BrokerConfig.of(Map.of(BrokerConfig.NUM_PARTITIONS, "2"));
    }

    /** What the dispatcher is built from, with only what the cluster paths use. */
    static BrokerServices services(BrokerConfig config, BrokerMetrics metrics, Optional<ClusterView> view) {
        return new BrokerServices(config, new ClusterIdentity(FakeClusterView.CLUSTER_ID, 1), null, null, null, null,
                null, null, null, null, null, null, null, () -> 9092, metrics, view, ReplicaServing.singleNode(),
                CoordinatorVerification.UNREACHABLE, null);
    }
}
