package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.EndpointType;
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
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.MetadataRequest;
import org.junit.jupiter.api.Test;

/**
 * The answers that name brokers, per listener, as Kafka's metadata cache gives them: a request is
 * answered with each broker's endpoint on the listener it came in on. Brokers 1 and 2 have
 * {@code PLAINTEXT} and {@code INTERNAL}; broker 3 has {@code PLAINTEXT} only (a broker not yet
 * restarted with the new listener, say). Topic {@code t}: partition 0 led by 1, partition 1 by 3.
 */
class ListenerAnswersTest {

    private static final String INTERNAL = "INTERNAL";
    private static final String PLAINTEXT = FakeClusterView.LISTENER;

    private final FakeClusterView cluster = new FakeClusterView(1, ClusterDescribeHandlersTest.dispatcherConfig())
            .broker(1, false, List.of(PLAINTEXT, INTERNAL)).broker(2, false, List.of(PLAINTEXT, INTERNAL))
            .broker(3, false, List.of(PLAINTEXT)).controller(1).coordinator(1);
    private final ApiDispatcher dispatcher = ClusterDescribeHandlersTest.dispatcher(cluster);

    ListenerAnswersTest() {
        cluster.topic("t", List.of(List.of(1, 2, 3), List.of(3, 1, 2)), List.of(List.of(1, 2, 3), List.of(3, 1, 2)),
                List.of(1, 3), Map.of());
    }

    @Test
    void shouldGiveEachBrokerAtItsEndpointOnTheRequestsListenerWhenAnsweringMetadata() {
        MetadataResponseData onClient = (MetadataResponseData) send(metadata((short) 12), PLAINTEXT);
        MetadataResponseData onInternal = (MetadataResponseData) send(metadata((short) 12), INTERNAL);

        assertThat(onClient.brokers()).extracting(MetadataResponseBroker::nodeId, MetadataResponseBroker::host,
                MetadataResponseBroker::port).containsExactly(tuple(1, "broker-1", 9092), tuple(2, "broker-2", 9092),
                        tuple(3, "broker-3", 9092));
        assertThat(onInternal.brokers()).as("broker 3 has no INTERNAL listener: left out")
                .extracting(MetadataResponseBroker::nodeId, MetadataResponseBroker::host, MetadataResponseBroker::port)
                .containsExactly(tuple(1, "internal-1", 9093), tuple(2, "internal-2", 9093));
        assertThat(onClient.topics().find("t").partitions()).extracting(MetadataResponsePartition::errorCode,
                MetadataResponsePartition::leaderId, MetadataResponsePartition::offlineReplicas).containsExactly(
                        tuple(Errors.NONE.code(), 1, List.of()), tuple(Errors.NONE.code(), 3, List.of()));
    }

    @Test
    void shouldShowNoLeaderWithListenerNotFoundWhenTheLeaderLacksTheRequestsListener() {
        MetadataResponseData v12 = (MetadataResponseData) send(metadata((short) 12), INTERNAL);
        MetadataResponseData v5 = (MetadataResponseData) send(metadata((short) 5), INTERNAL);

        assertThat(v12.topics().find("t").partitions()).extracting(MetadataResponsePartition::partitionIndex,
                MetadataResponsePartition::errorCode, MetadataResponsePartition::leaderId,
                MetadataResponsePartition::leaderEpoch, MetadataResponsePartition::replicaNodes,
                MetadataResponsePartition::isrNodes, MetadataResponsePartition::offlineReplicas).containsExactly(
                        tuple(0, Errors.NONE.code(), 1, 3, List.of(1, 2, 3), List.of(1, 2, 3), List.of(3)),
                        tuple(1, Errors.LISTENER_NOT_FOUND.code(), -1, 3, List.of(3, 1, 2), List.of(3, 1, 2),
                                List.of(3)));
        assertThat(v5.topics().find("t").partitions().get(1).errorCode()).as("before v6, Kafka said LEADER_NOT_AVAILABLE")
                .isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
    }

    @Test
    void shouldLeaveOutReplicasWithoutTheListenerOnlyAtVersionZero() {
        MetadataResponseData v0 = (MetadataResponseData) send(new MetadataRequest(new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t"))), (short) 0), INTERNAL);

        assertThat(v0.topics().find("t").partitions()).extracting(MetadataResponsePartition::errorCode,
                MetadataResponsePartition::leaderId, MetadataResponsePartition::replicaNodes,
                MetadataResponsePartition::isrNodes).containsExactly(
                        tuple(Errors.REPLICA_NOT_AVAILABLE.code(), 1, List.of(1, 2), List.of(1, 2)),
                        tuple(Errors.LEADER_NOT_AVAILABLE.code(), -1, List.of(1, 2), List.of(1, 2)));
    }

    @Test
    void shouldDescribeTheClusterAtTheRequestsListener() {
        DescribeClusterResponseData onInternal = (DescribeClusterResponseData) send(new DescribeClusterRequest.Builder(
                new DescribeClusterRequestData().setEndpointType(EndpointType.BROKER.id())).build((short) 1), INTERNAL);

        assertThat(onInternal.brokers()).extracting(DescribeClusterBroker::brokerId, DescribeClusterBroker::host,
                DescribeClusterBroker::port).containsExactly(tuple(1, "internal-1", 9093), tuple(2, "internal-2", 9093));
        assertThat(onInternal.controllerId()).isEqualTo(1);
    }

    @Test
    void shouldLeadNoWhereWhenTheLeaderLacksTheListenerWhenDescribingTopicPartitions() {
        DescribeTopicPartitionsResponseData onInternal = (DescribeTopicPartitionsResponseData) send(
                new DescribeTopicPartitionsRequest.Builder(new DescribeTopicPartitionsRequestData()
                        .setTopics(List.of(new TopicRequest().setName("t")))).build((short) 0), INTERNAL);

        assertThat(onInternal.topics().find("t").partitions()).extracting(
                DescribeTopicPartitionsResponsePartition::leaderId,
                DescribeTopicPartitionsResponsePartition::offlineReplicas).containsExactly(
                        tuple(1, List.of(3)), tuple(-1, List.of(3)));
    }

    @Test
    void shouldFindTheSameCoordinatorAtTheRequestsListener() {
        FindCoordinatorResponseData onClient = (FindCoordinatorResponseData) send(findGroupCoordinator(), PLAINTEXT);
        FindCoordinatorResponseData onInternal = (FindCoordinatorResponseData) send(findGroupCoordinator(), INTERNAL);

        assertThat(onClient.coordinators()).extracting(c -> c.nodeId(), c -> c.host(), c -> c.port())
                .containsExactly(tuple(1, "broker-1", 9092));
        assertThat(onInternal.coordinators()).extracting(c -> c.nodeId(), c -> c.host(), c -> c.port())
                .containsExactly(tuple(1, "internal-1", 9093));
    }

    @Test
    void shouldAnswerCoordinatorNotAvailableWhenTheCoordinatorLacksTheListener() {
        FakeClusterView coordinatorWithoutInternal = new FakeClusterView(2, ClusterDescribeHandlersTest.dispatcherConfig())
                .broker(1, false, List.of(PLAINTEXT)).broker(2, false, List.of(PLAINTEXT, INTERNAL)).coordinator(1);
        ApiDispatcher onNode2 = ClusterDescribeHandlersTest.dispatcher(coordinatorWithoutInternal);

        FindCoordinatorResponseData onInternal = (FindCoordinatorResponseData) ClusterDescribeHandlersTest.send(
                onNode2, HandlerFixture.request(findGroupCoordinator(), INTERNAL));

        assertThat(onInternal.coordinators()).extracting(c -> c.errorCode(), c -> c.nodeId())
                .as("the coordinator stays node 1, which a client of INTERNAL cannot reach")
                .containsExactly(tuple(Errors.COORDINATOR_NOT_AVAILABLE.code(), -1));
    }

    private static MetadataRequest metadata(short version) {
        return new MetadataRequest(new MetadataRequestData().setTopics(null), version);
    }

    private static FindCoordinatorRequest findGroupCoordinator() {
        return new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData().setKeyType(CoordinatorType.GROUP.id())
                .setCoordinatorKeys(List.of("g"))).build((short) 4);
    }

    private ApiMessage send(AbstractRequest body, String listener) {
        return ClusterDescribeHandlersTest.send(dispatcher, HandlerFixture.request(body, listener));
    }
}
