package io.surety.broker.api;

import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.CLUSTER_ACTION;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The "authorized operations" fields of Metadata, DescribeCluster, DescribeTopicPartitions (always
 * filled, as Kafka fills it), DescribeGroups and ConsumerGroupDescribe: a bit field with bit {@code 1 << code} set for each
 * {@link AclOperation} the requester may perform on the resource. Without an authorizer Kafka
 * reports every operation the resource type has, and so does Surety; with one, those of them the
 * authorizer allows the requester ({@link Access#operations}); a request that did not ask gets
 * {@link #OMITTED}.
 *
 * <p>Implementation notes: the operations per resource type are Kafka's
 * ({@code AclEntry.supportedOperations}): topics READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER,
 * DESCRIBE_CONFIGS, ALTER_CONFIGS; groups READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS;
 * the cluster CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER,
 * DESCRIBE.
 */
final class AuthorizedOperations {

    /** The wire value for "not computed": the request did not ask, or the resource is an error. */
    static final int OMITTED = Integer.MIN_VALUE;

    private static final int TOPIC = bits(READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS);
    private static final int GROUP = bits(READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS);
    private static final int CLUSTER = bits(CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE,
            ALTER, DESCRIBE);

    private AuthorizedOperations() {
    }

    /** A topic's field without an authorizer, for a request that {@code asked} for it. */
    static int topic(boolean asked) {
        return asked ? TOPIC : OMITTED;
    }

    /** Topic {@code name}'s field, for a request that {@code asked} for it. */
    static int topic(Access access, String name, boolean asked) {
        return asked ? access.operations(ResourceType.TOPIC, name, TOPIC) : OMITTED;
    }

    /** A group's field without an authorizer, for a request that {@code asked} for it. */
    static int group(boolean asked) {
        return asked ? GROUP : OMITTED;
    }

    /** Group {@code groupId}'s field, for a request that {@code asked} for it. */
    static int group(Access access, String groupId, boolean asked) {
        return asked ? access.operations(ResourceType.GROUP, groupId, GROUP) : OMITTED;
    }

    /** The cluster's field without an authorizer, for a request that {@code asked} for it. */
    static int cluster(boolean asked) {
        return asked ? CLUSTER : OMITTED;
    }

    /** The cluster's field, for a request that {@code asked} for it. */
    static int cluster(Access access, boolean asked) {
        return asked ? access.operations(ResourceType.CLUSTER, Resource.CLUSTER_NAME, CLUSTER) : OMITTED;
    }

    /**
     * Sets a Metadata answer's fields as {@code request} asked: the cluster's (v8-v10), and every
     * topic's (v8+) but those looked up by an unknown id, which Kafka leaves without.
     */
    static MetadataResponseData fill(MetadataResponseData response, MetadataRequestData request) {
        return fill(response, request, Access.ALL);
    }

    /** As {@link #fill(MetadataResponseData, MetadataRequestData)}, with the requester's own operations. */
    static MetadataResponseData fill(MetadataResponseData response, MetadataRequestData request, Access access) {
        response.setClusterAuthorizedOperations(cluster(access, request.includeClusterAuthorizedOperations()));
        for (MetadataResponseTopic topic : response.topics()) {
            if (topic.errorCode() != Errors.UNKNOWN_TOPIC_ID.code()
                    && topic.errorCode() != Errors.TOPIC_AUTHORIZATION_FAILED.code()) {
                topic.setTopicAuthorizedOperations(topic(access, topic.name(), request.includeTopicAuthorizedOperations()));
            }
        }
        return response;
    }

    private static int bits(AclOperation... operations) {
        int field = 0;
        for (AclOperation operation : operations) {
            field |= 1 << operation.code();
        }
        return field;
    }
}
