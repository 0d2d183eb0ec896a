package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.surety.broker.cluster.PartitionState;
import io.surety.broker.cluster.TopicImage;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.junit.jupiter.api.Test;

/**
 * The admin writes in cluster mode, through the dispatcher as a cluster node builds it, against a
 * {@link FakeClusterView} whose controller decides with the real rules: brokers 1, 2 and 3 live.
 * Each change must reach the controller in the form it takes and come back with its answer; a
 * controller that cannot be reached must give Kafka's retriable errors.
 */
class ClusterAdminHandlersTest {

    private final FakeClusterView cluster = new FakeClusterView(1, ClusterDescribeHandlersTest.dispatcherConfig())
            .broker(1, false).broker(2, false).broker(3, false).controller(2);
    private final ApiDispatcher dispatcher = ClusterDescribeHandlersTest.dispatcher(cluster);

    @Test
    void shouldCreateATopicOnEveryBrokerAndAnswerWithItsConfigsWhenTheFactorIsThree() {
        CreateTopicsResponseData response = (CreateTopicsResponseData) send(createTopics(false,
                topic("orders", 3, (short) 3).setConfigs(configs("retention.ms", "60000"))));

        CreatableTopicResult result = response.topics().find("orders");
        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.numPartitions()).isEqualTo(3);
        assertThat(result.replicationFactor()).isEqualTo((short) 3);
        TopicImage created = cluster.image().topic("orders");
        assertThat(result.topicId()).isEqualTo(created.id());
        assertThat(created.partitions().values()).allSatisfy(p -> {
            assertThat(p.replicas()).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(p.isr()).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(p.leader()).isEqualTo(p.replicas().get(0));
        });
        CreatableTopicConfigs retention = result.configs().stream().filter(c -> c.name().equals("retention.ms"))
                .findFirst().orElseThrow();
        assertThat(retention.value()).isEqualTo("60000");
        assertThat(retention.configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id());
    }

    @Test
    void shouldRefuseAFactorAboveTheLiveBrokersAndCreateNothingUnderValidateOnly() {
        CreateTopicsResponseData response = (CreateTopicsResponseData) send(createTopics(false,
                topic("too-wide", 1, (short) 4)));
        CreateTopicsResponseData validated = (CreateTopicsResponseData) send(createTopics(true,
                topic("checked", 2, (short) 3)));

        assertThat(response.topics().find("too-wide").errorCode()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
        assertThat(validated.topics().find("checked").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(validated.topics().find("checked").topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(cluster.image().topicsByName()).isEmpty();
    }

    @Test
    void shouldAnswerEveryTopicNotControllerOrTimedOutWhenTheControllerCannotBeReached() {
        cluster.failing(new NotControllerException("no leader"));
        CreateTopicsResponseData refused = (CreateTopicsResponseData) send(createTopics(false,
                topic("a", 1, (short) 1), topic("b", 1, (short) 1)));
        cluster.failing(new TimeoutException("no majority"));
        CreatePartitionsResponseData timedOut = (CreatePartitionsResponseData) send(new CreatePartitionsRequest.Builder(
                new CreatePartitionsRequestData().setTimeoutMs(1000).setTopics(
                        new CreatePartitionsRequestData.CreatePartitionsTopicCollection(List.of(
                                new CreatePartitionsTopic().setName("a").setCount(2).setAssignments(null)).iterator()))).build((short) 3));

        assertThat(refused.topics()).extracting(CreatableTopicResult::name, CreatableTopicResult::errorCode)
                .containsExactlyInAnyOrder(tuple("a", Errors.NOT_CONTROLLER.code()), tuple("b", Errors.NOT_CONTROLLER.code()));
        assertThat(timedOut.results()).extracting(r -> r.errorCode()).containsExactly(Errors.REQUEST_TIMED_OUT.code());
    }

    @Test
    void shouldDeleteByNameAndIdThroughTheControllerAndRefuseMalformedEntriesHere() {
        Uuid ordersId = cluster.topic("orders", List.of(List.of(1, 2)), List.of(List.of(1, 2)), List.of(1), Map.of());
        cluster.topic("audit", List.of(List.of(2, 3)), List.of(List.of(2, 3)), List.of(2), Map.of());
        DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTopics(List.of(
                new DeleteTopicState().setName("audit"),
                new DeleteTopicState().setTopicId(ordersId),
                new DeleteTopicState().setName("missing"),
                new DeleteTopicState().setName("both").setTopicId(Uuid.randomUuid())));

        DeleteTopicsResponseData response = (DeleteTopicsResponseData) send(new DeleteTopicsRequest.Builder(data)
                .build((short) 6));

        assertThat(response.responses()).extracting(DeletableTopicResult::name, DeletableTopicResult::errorCode)
                .containsExactlyInAnyOrder(tuple("audit", Errors.NONE.code()), tuple("orders", Errors.NONE.code()),
                        tuple("missing", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()),
                        tuple("both", Errors.INVALID_REQUEST.code()));
        assertThat(cluster.image().topicsByName()).isEmpty();
        DeleteTopicsRequestData forwarded = (DeleteTopicsRequestData) cluster.sent.get(0);
        assertThat(forwarded.topics()).hasSize(3);
    }

    @Test
    void shouldGrowATopicWithReplicasOnLiveBrokersThroughTheController() {
        cluster.topic("orders", List.of(List.of(1, 2, 3)), List.of(List.of(1, 2, 3)), List.of(1), Map.of());

        CreatePartitionsResponseData response = (CreatePartitionsResponseData) send(new CreatePartitionsRequest.Builder(
                new CreatePartitionsRequestData().setTimeoutMs(1000).setTopics(
                        new CreatePartitionsRequestData.CreatePartitionsTopicCollection(List.of(
                                new CreatePartitionsTopic().setName("orders").setCount(3).setAssignments(null)).iterator()))).build((short) 3));

        assertThat(response.results()).extracting(r -> r.errorCode()).containsExactly(Errors.NONE.code());
        assertThat(cluster.image().topic("orders").partitions()).hasSize(3);
        assertThat(cluster.image().topic("orders").partition(2).replicas()).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void shouldSendSetAndDeleteToTheControllerAndApplyAppendToTheImagesOverride() {
        cluster.topic("orders", List.of(List.of(1, 2)), List.of(List.of(1, 2)), List.of(1),
                Map.of("retention.ms", "1000", "cleanup.policy", "delete"));
        AlterConfigsResource change = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName("orders");
        change.configs().add(op("cleanup.policy", OpType.APPEND, "compact"));
        change.configs().add(op("retention.ms", OpType.DELETE, null));
        change.configs().add(op("max.message.bytes", OpType.SET, "2048"));

        IncrementalAlterConfigsResponseData response = (IncrementalAlterConfigsResponseData) send(alter(false, change));

        assertThat(response.responses()).extracting(AlterConfigsResourceResponse::resourceName,
                AlterConfigsResourceResponse::errorCode).containsExactly(tuple("orders", Errors.NONE.code()));
        assertThat(cluster.image().topic("orders").configs()).isEqualTo(Map.of("cleanup.policy", "delete,compact",
                "max.message.bytes", "2048"));
        AlterConfigsResource forwarded = ((IncrementalAlterConfigsRequestData) cluster.sent.get(0)).resources().iterator()
                .next();
        assertThat(forwarded.configs()).extracting(AlterableConfig::name, AlterableConfig::configOperation,
                AlterableConfig::value).containsExactlyInAnyOrder(
                        tuple("cleanup.policy", OpType.SET.id(), "delete,compact"),
                        tuple("retention.ms", OpType.DELETE.id(), null),
                        tuple("max.message.bytes", OpType.SET.id(), "2048"));
    }

    @Test
    void shouldChangeNothingUnderValidateOnlyAndRefuseAnUnknownTopicOrInvalidValueBeforeForwarding() {
        cluster.topic("orders", List.of(List.of(1, 2)), List.of(List.of(1, 2)), List.of(1), Map.of());
        AlterConfigsResource valid = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName("orders");
        valid.configs().add(op("retention.ms", OpType.SET, "5000"));
        AlterConfigsResource unknown = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName("missing");
        unknown.configs().add(op("retention.ms", OpType.SET, "5000"));

        IncrementalAlterConfigsResponseData validated = (IncrementalAlterConfigsResponseData) send(alter(true,
                valid, unknown));
        AlterConfigsResource invalid = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName("orders");
        invalid.configs().add(op("retention.ms", OpType.SET, "not-a-number"));
        IncrementalAlterConfigsResponseData refused = (IncrementalAlterConfigsResponseData) send(alter(false, invalid));

        assertThat(validated.responses()).extracting(AlterConfigsResourceResponse::resourceName,
                AlterConfigsResourceResponse::errorCode).containsExactlyInAnyOrder(tuple("orders", Errors.NONE.code()),
                        tuple("missing", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        assertThat(refused.responses().get(0).errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(cluster.image().topic("orders").configs()).isEmpty();
        assertThat(cluster.sent).hasSize(1);
    }

    @Test
    void shouldDescribeATopicsOverridesFromTheImage() {
        cluster.topic("orders", List.of(List.of(1, 2)), List.of(List.of(1, 2)), List.of(1), Map.of("retention.ms", "777"));

        DescribeConfigsResponseData response = (DescribeConfigsResponseData) send(new DescribeConfigsRequest.Builder(
                new DescribeConfigsRequestData().setResources(List.of(new DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("orders")
                        .setConfigurationKeys(List.of("retention.ms", "cleanup.policy"))))).build((short) 4));

        assertThat(response.results().get(0).configs()).extracting(DescribeConfigsResourceResult::name,
                DescribeConfigsResourceResult::value, DescribeConfigsResourceResult::configSource).containsExactlyInAnyOrder(
                        tuple("retention.ms", "777", ConfigSource.TOPIC_CONFIG.id()),
                        tuple("cleanup.policy", "delete", ConfigSource.DEFAULT_CONFIG.id()));
    }

    @Test
    void shouldMoveLeadershipBackToThePreferredReplicaWhenElectingPreferredLeaders() {
        cluster.topic("orders", List.of(List.of(1, 2, 3), List.of(2, 3, 1)), List.of(List.of(1, 2, 3), List.of(2, 3, 1)),
                List.of(2, 2), Map.of());
        ElectLeadersRequest request = new ElectLeadersRequest.Builder(ElectionType.PREFERRED,
                List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1)), 1000).build((short) 2);

        ElectLeadersResponseData response = (ElectLeadersResponseData) send(request);

        assertThat(response.replicaElectionResults().get(0).partitionResult()).extracting(p -> p.partitionId(),
                p -> p.errorCode()).containsExactly(tuple(0, Errors.NONE.code()),
                        tuple(1, Errors.ELECTION_NOT_NEEDED.code()));
        PartitionState moved = cluster.image().topic("orders").partition(0);
        assertThat(moved.leader()).isEqualTo(1);
        assertThat(moved.leaderEpoch()).isEqualTo(4);
    }

    @Test
    void shouldSendTheOriginalAlterConfigsAsSetsAndDeletesOfTheImagesOverridesToTheController() {
        cluster.topic("orders", List.of(List.of(1, 2)), List.of(List.of(1, 2)), List.of(1),
                Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        AlterConfigsRequestData.AlterConfigsResource replace = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("orders");
        replace.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("5000"));
        replace.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("max.message.bytes").setValue("2048"));
        AlterConfigsRequestData data = new AlterConfigsRequestData();
        data.resources().add(replace);

        AlterConfigsResponseData response = (AlterConfigsResponseData) send(new AlterConfigsRequest(data, (short) 2));

        assertThat(response.responses()).extracting(AlterConfigsResponseData.AlterConfigsResourceResponse::resourceName,
                AlterConfigsResponseData.AlterConfigsResourceResponse::errorCode)
                .containsExactly(tuple("orders", Errors.NONE.code()));
        assertThat(cluster.image().topic("orders").configs()).isEqualTo(Map.of("retention.ms", "5000",
                "max.message.bytes", "2048"));
        AlterConfigsResource forwarded = ((IncrementalAlterConfigsRequestData) cluster.sent.get(0)).resources().iterator()
                .next();
        assertThat(forwarded.configs()).extracting(AlterableConfig::name, AlterableConfig::configOperation,
                AlterableConfig::value).containsExactlyInAnyOrder(
                        tuple("retention.ms", OpType.SET.id(), "5000"),
                        tuple("max.message.bytes", OpType.SET.id(), "2048"),
                        tuple("cleanup.policy", OpType.DELETE.id(), null));
    }

    private ApiMessage send(AbstractRequest body) {
        return ClusterDescribeHandlersTest.send(dispatcher, body);
    }

    private static CreateTopicsRequest createTopics(boolean validateOnly, CreatableTopic... topics) {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(1000).setValidateOnly(validateOnly);
        for (CreatableTopic topic : topics) {
            data.topics().add(topic);
        }
        return new CreateTopicsRequest.Builder(data).build((short) 7);
    }

    private static CreatableTopic topic(String name, int partitions, short replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor(replicationFactor);
    }

    private static CreateTopicsRequestData.CreatableTopicConfigCollection configs(String key, String value) {
        CreateTopicsRequestData.CreatableTopicConfigCollection configs = new CreateTopicsRequestData.CreatableTopicConfigCollection();
        configs.add(new CreatableTopicConfig().setName(key).setValue(value));
        return configs;
    }

    private static AlterableConfig op(String name, OpType op, String value) {
        return new AlterableConfig().setName(name).setConfigOperation(op.id()).setValue(value);
    }

    private static IncrementalAlterConfigsRequest alter(boolean validateOnly, AlterConfigsResource... resources) {
        IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource resource : resources) {
            data.resources().add(resource);
        }
        return new IncrementalAlterConfigsRequest.Builder(data).build((short) 1);
    }
}
