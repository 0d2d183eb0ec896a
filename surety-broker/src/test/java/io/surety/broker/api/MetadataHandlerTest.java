package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.metadata.TopicInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata against real topic and partition registries on a temporary directory: this node as the
 * only broker (advertising the port it bound), every topic with its id and partitions led by this
 * node, unknown names and ids, and auto-creation when the broker and the client allow it.
 */
class MetadataHandlerTest {

    private static final short VERSION = 12;

    @TempDir
    Path dataDir;

    @Test
    void shouldDescribeEveryTopicLedByThisNodeWhenAllTopicsAreAsked() throws Exception {
        try (HandlerFixture fixture = new HandlerFixture(dataDir)) {
            TopicInfo orders = fixture.createTopic("orders", 3);
            TopicInfo audit = fixture.createTopic("audit", 1);

            MetadataResponseData response = send(fixture, new MetadataRequestData().setTopics(null));

            assertThat(response.clusterId()).isEqualTo(HandlerFixture.CLUSTER_ID);
            assertThat(response.controllerId()).isEqualTo(HandlerFixture.NODE_ID);
            assertThat(response.brokers()).extracting(MetadataResponseBroker::nodeId, MetadataResponseBroker::host,
                    MetadataResponseBroker::port).containsExactly(tuple(
                            HandlerFixture.NODE_ID, HandlerFixture.HOST, HandlerFixture.BOUND_PORT));
            assertThat(response.topics()).extracting(MetadataResponseTopic::name, MetadataResponseTopic::topicId,
                    MetadataResponseTopic::errorCode).containsExactlyInAnyOrder(
                            tuple("orders", orders.id(), Errors.NONE.code()),
                            tuple("audit", audit.id(), Errors.NONE.code()));
            MetadataResponseTopic described = response.topics().find("orders");
            assertThat(described.partitions()).extracting(MetadataResponsePartition::partitionIndex).containsExactly(0, 1, 2);
            for (MetadataResponsePartition partition : described.partitions()) {
                assertThat(partition.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(partition.leaderId()).isEqualTo(HandlerFixture.NODE_ID);
                assertThat(partition.replicaNodes()).containsExactly(HandlerFixture.NODE_ID);
                assertThat(partition.isrNodes()).containsExactly(HandlerFixture.NODE_ID);
            }
        }
    }

    @Test
    void shouldAnswerUnknownTopicAndCreateNothingWhenAutoCreationIsOff() throws Exception {
        try (HandlerFixture fixture = new HandlerFixture(dataDir, Map.of(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE, "false"))) {
            MetadataResponseData response = send(fixture, named("not-there", true));

            MetadataResponseTopic topic = response.topics().find("not-there");
            assertThat(topic.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(topic.topicId()).isEqualTo(Uuid.ZERO_UUID);
            assertThat(fixture.topics.get("not-there")).isNull();
        }
    }

    @Test
    void shouldAnswerUnknownTopicAndCreateNothingWhenClientDisallowsAutoCreation() throws Exception {
        try (HandlerFixture fixture = new HandlerFixture(dataDir)) {
            MetadataResponseData response = send(fixture, named("not-there", false));

            assertThat(response.topics().find("not-there").errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(fixture.topics.get("not-there")).isNull();
        }
    }

    @Test
    void shouldCreateTopicWithDefaultPartitionsWhenBrokerAndClientAllowAutoCreation() throws Exception {
        try (HandlerFixture fixture = new HandlerFixture(dataDir, Map.of(BrokerConfig.NUM_PARTITIONS, "2"))) {
            MetadataResponseData response = send(fixture, named("fresh", true));

            MetadataResponseTopic topic = response.topics().find("fresh");
            assertThat(topic.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(topic.partitions()).hasSize(2);
            TopicInfo created = fixture.topics.get("fresh");
            assertThat(created).isNotNull();
            assertThat(topic.topicId()).isEqualTo(created.id());
            assertThat(fixture.partition("fresh", 0)).isNotNull();
            assertThat(fixture.partition("fresh", 1)).isNotNull();
        }
    }

    @Test
    void shouldAnswerInvalidTopicWhenNameIsIllegal() throws Exception {
        try (HandlerFixture fixture = new HandlerFixture(dataDir)) {
            MetadataResponseData response = send(fixture, named("no spaces allowed", true));

            assertThat(response.topics().find("no spaces allowed").errorCode())
                    .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
            assertThat(fixture.topics.all()).isEmpty();
        }
    }

    @Test
    void shouldAnswerUnknownTopicIdWhenIdIsNotKnown() throws Exception {
        try (HandlerFixture fixture = new HandlerFixture(dataDir)) {
            TopicInfo orders = fixture.createTopic("orders", 1);
            Uuid unknown = Uuid.randomUuid();
            MetadataRequestData data = new MetadataRequestData().setTopics(List.of(
                    new MetadataRequestTopic().setName(null).setTopicId(unknown),
                    new MetadataRequestTopic().setName(null).setTopicId(orders.id())));

            MetadataResponseData response = send(fixture, data, (short) 12);

            assertThat(response.topics()).extracting(MetadataResponseTopic::topicId, MetadataResponseTopic::errorCode)
                    .containsExactlyInAnyOrder(
                            tuple(unknown, Errors.UNKNOWN_TOPIC_ID.code()),
                            tuple(orders.id(), Errors.NONE.code()));
        }
    }

    private static MetadataRequestData named(String name, boolean allowAutoCreation) {
        return new MetadataRequestData().setAllowAutoTopicCreation(allowAutoCreation)
                .setTopics(List.of(new MetadataRequestTopic().setName(name)));
    }

    private static MetadataResponseData send(HandlerFixture fixture, MetadataRequestData data) {
        return send(fixture, data, VERSION);
    }

    private static MetadataResponseData send(HandlerFixture fixture, MetadataRequestData data, short version) {
        MetadataHandler handler = new MetadataHandler(fixture.config.topics(), fixture.topics, fixture.partitions,
                fixture.topicOperations, fixture.localNode);
        ApiResponse response = handler.handle(HandlerFixture.request(new MetadataRequest(data, version))).join();
        return (MetadataResponseData) ((ApiResponse.Send) response).body();
    }
}
