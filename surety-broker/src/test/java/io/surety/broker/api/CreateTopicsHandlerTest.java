package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.metadata.TopicInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CreateTopics against real topic operations on a temporary directory: what is created is in the
 * registries with the id the response gives, and every refusal (taken name, illegal name,
 * replication factor, assignment naming another broker, a bad config, a duplicate in the request,
 * validate-only) leaves the registries as they were.
 */
class CreateTopicsHandlerTest {

    private static final short VERSION = 7;

    @TempDir
    Path dataDir;

    private HandlerFixture fixture;
    private CreateTopicsHandler handler;

    @BeforeEach
    void start() throws Exception {
        fixture = new HandlerFixture(dataDir, Map.of(BrokerConfig.NUM_PARTITIONS, "2"));
        handler = new CreateTopicsHandler(fixture.config, fixture.topics, fixture.topicOperations, fixture.localNode,
                Optional.empty());
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldCreateTopicWithRequestedPartitionsAndConfigWhenNameIsNew() {
        CreatableTopic topic = topic("payments", 3, (short) 1);
        topic.configs().add(new CreatableTopicConfig().setName(TopicConfig.CLEANUP_POLICY).setValue("compact"));

        CreatableTopicResult result = only(send(false, topic));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.numPartitions()).isEqualTo(3);
        assertThat(result.replicationFactor()).isEqualTo((short) 1);
        TopicInfo created = fixture.topics.get("payments");
        assertThat(created).isNotNull();
        assertThat(result.topicId()).isEqualTo(created.id()).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(created.partitionCount()).isEqualTo(3);
        assertThat(created.config().compact()).isTrue();
        assertThat(fixture.partition("payments", 2)).isNotNull();
        assertThat(fixture.partition("payments", 3)).isNull();
    }

    @Test
    void shouldUseBrokerDefaultPartitionsWhenRequestLeavesThemUnset() {
        CreatableTopicResult result = only(send(false, topic("defaults", -1, (short) -1)));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.numPartitions()).isEqualTo(2);
        assertThat(fixture.topics.get("defaults").partitionCount()).isEqualTo(2);
    }

    @Test
    void shouldAnswerTopicAlreadyExistsAndKeepTheTopicWhenNameIsTaken() throws Exception {
        TopicInfo existing = fixture.createTopic("payments", 1);

        CreatableTopicResult result = only(send(false, topic("payments", 4, (short) 1)));

        assertThat(result.errorCode()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS.code());
        assertThat(fixture.topics.get("payments")).isEqualTo(existing);
    }

    @Test
    void shouldValidateAndCreateNothingWhenValidateOnly() {
        CreatableTopicResult result = only(send(true, topic("dry-run", 5, (short) 1)));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.numPartitions()).isEqualTo(5);
        assertThat(result.topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(fixture.topics.get("dry-run")).isNull();
        assertThat(fixture.partitions.all()).isEmpty();
    }

    @Test
    void shouldRefuseWithoutCreatingWhenTheRequestCannotBeMet() {
        CreatableTopic assigned = topic("elsewhere", -1, (short) -1);
        assigned.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0)
                .setBrokerIds(List.of(HandlerFixture.NODE_ID + 1)));
        CreatableTopic badConfig = topic("bad-config", 1, (short) 1);
        badConfig.configs().add(new CreatableTopicConfig().setName(TopicConfig.CLEANUP_POLICY).setValue("shred"));

        CreateTopicsResponseData response = send(false, topic("three-copies", 1, (short) 3),
                topic("no spaces allowed", 1, (short) 1), assigned, badConfig);

        assertThat(response.topics().find("three-copies").errorCode())
                .isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
        assertThat(response.topics().find("no spaces allowed").errorCode())
                .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        assertThat(response.topics().find("elsewhere").errorCode())
                .isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(response.topics().find("bad-config").errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(fixture.topics.all()).isEmpty();
        assertThat(fixture.partitions.all()).isEmpty();
    }

    @Test
    void shouldCreateWhenManualAssignmentNamesOnlyThisNode() {
        CreatableTopic assigned = topic("here", -1, (short) -1);
        assigned.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0)
                .setBrokerIds(List.of(HandlerFixture.NODE_ID)));

        CreatableTopicResult result = only(send(false, assigned));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fixture.topics.get("here").partitionCount()).isEqualTo(1);
    }

    @Test
    void shouldAnswerInvalidRequestOnceAndCreateNothingWhenANameIsRepeated() {
        CreateTopicsResponseData response = send(false, topic("twice", 1, (short) 1), topic("twice", 1, (short) 1));

        assertThat(response.topics()).hasSize(1);
        assertThat(response.topics().find("twice").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(fixture.topics.get("twice")).isNull();
    }

    private static CreatableTopic topic(String name, int partitions, short replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor(replicationFactor);
    }

    private CreateTopicsResponseData send(boolean validateOnly, CreatableTopic... topics) {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(30_000).setValidateOnly(validateOnly);
        for (CreatableTopic topic : topics) {
            data.topics().add(topic);
        }
        ApiResponse response = handler.handle(HandlerFixture.request(new CreateTopicsRequest(data, VERSION))).join();
        return (CreateTopicsResponseData) ((ApiResponse.Send) response).body();
    }

    private static CreatableTopicResult only(CreateTopicsResponseData response) {
        assertThat(response.topics()).hasSize(1);
        return response.topics().iterator().next();
    }
}
