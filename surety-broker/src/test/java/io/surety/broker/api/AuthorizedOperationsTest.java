package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class AuthorizedOperationsTest {

    @Test
    void shouldFillMetadataAsTheRequestAsks() {
        MetadataResponseData response = new MetadataResponseData();
        response.topics().add(new MetadataResponseTopic().setName("known"));
        response.topics().add(new MetadataResponseTopic().setName("absent").setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        MetadataResponseTopic byId = new MetadataResponseTopic().setTopicId(Uuid.randomUuid())
                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setTopicAuthorizedOperations(AuthorizedOperations.OMITTED);
        response.topics().add(byId);

        AuthorizedOperations.fill(response, new MetadataRequestData().setIncludeTopicAuthorizedOperations(true));

        assertThat(response.clusterAuthorizedOperations()).isEqualTo(AuthorizedOperations.OMITTED);
        assertThat(response.topics().find("known").topicAuthorizedOperations()).isEqualTo(AuthorizedOperations.topic(true));
        assertThat(response.topics().find("absent").topicAuthorizedOperations()).isEqualTo(AuthorizedOperations.topic(true));
        assertThat(byId.topicAuthorizedOperations()).as("a topic looked up by an unknown id")
                .isEqualTo(AuthorizedOperations.OMITTED);

        AuthorizedOperations.fill(response, new MetadataRequestData().setIncludeClusterAuthorizedOperations(true));
        assertThat(response.clusterAuthorizedOperations()).isEqualTo(AuthorizedOperations.cluster(true));
        assertThat(response.topics().find("known").topicAuthorizedOperations()).isEqualTo(AuthorizedOperations.OMITTED);
    }

    @Test
    void shouldSetOneBitPerOperationCode() {
        assertThat(Utils.from32BitField(AuthorizedOperations.group(true))).containsExactlyInAnyOrder(
                AclOperation.READ.code(), AclOperation.DESCRIBE.code(), AclOperation.DELETE.code(),
                AclOperation.DESCRIBE_CONFIGS.code(), AclOperation.ALTER_CONFIGS.code());
        assertThat(AuthorizedOperations.group(false)).isEqualTo(Integer.MIN_VALUE);
    }
}
