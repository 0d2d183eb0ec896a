package io.surety.broker.api;

import static io.surety.broker.api.AccessRule.cluster;
import static io.surety.broker.api.AccessRule.clusterElseAnswer;
import static io.surety.broker.api.AccessRule.clusterOr;
import static io.surety.broker.api.AccessRule.each;
import static io.surety.broker.api.AccessRule.none;
import static io.surety.broker.api.AccessRule.when;
import static io.surety.broker.api.AccessRule.whole;
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
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;

import io.surety.broker.config.NetworkConfig;
import io.surety.broker.security.AclAuthorizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Who may do what: one rule per API key, the checks Kafka's {@code KafkaApis} and {@code AclApis}
 * make, applied by {@link ApiDispatcher} before the handler runs. A rule either answers the whole
 * request with an authorization error, or lets it proceed with the names it was denied, which the
 * handler answers with the error before it looks whether they exist (so existence never leaks).
 * There is no default rule: a served API without one fails {@code AccessRulesTest}. Immutable and
 * thread-safe.
 *
 * <p>Three kinds of rule: a check on one resource that answers the whole request
 * ({@link AccessRule#cluster}, {@link AccessRule#whole}: the group APIs, transactions, cluster
 * admin); a check on each name of the request, whose denials the handler answers one by one
 * ({@link AccessRule#each}: topics, groups, transactional ids); and none, where the handler asks
 * because only it knows the names (a topic named by id, an all-topics listing) or filters a listing
 * (ListGroups, ListTransactions).
 *
 * <p>Implementation notes: the table is built only when an authorizer is configured; without one
 * the dispatcher skips it, so the produce and fetch paths pay nothing.
 */
final class AccessRules {

    private static final Map<ApiKeys, AccessRule> RULES = table();

    private final AclAuthorizer authorizer;
    private final Map<String, SecurityProtocol> protocols;

    AccessRules(AclAuthorizer authorizer, NetworkConfig network) {
        this.authorizer = authorizer;
        Map<String, SecurityProtocol> byListener = new HashMap<>();
        for (NetworkConfig.BrokerListener listener : network.brokerListeners()) {
            byListener.put(listener.name(), protocol(listener));
        }
        this.protocols = Map.copyOf(byListener);
    }

    /** The verdict on {@code request}. */
    AccessRule.Verdict check(ApiRequest request) {
        AccessRule rule = RULES.get(request.header().apiKey());
        if (rule == null) {
            // Unreachable for a served API (AccessRulesTest); refuse rather than serve unguarded.
            return new AccessRule.Verdict.Reject(Errors.CLUSTER_AUTHORIZATION_FAILED);
        }
        RequestContext context = RequestContext.of(request,
                protocols.getOrDefault(request.listenerName(), SecurityProtocol.PLAINTEXT));
        return rule.check(request, Access.checking(authorizer, context));
    }

    /** The APIs that have a rule. */
    static Collection<ApiKeys> covered() {
        return RULES.keySet();
    }

    private static Map<ApiKeys, AccessRule> table() {
        Map<ApiKeys, AccessRule> rules = new EnumMap<>(ApiKeys.class);
        rules.put(ApiKeys.API_VERSIONS, none());
        rules.put(ApiKeys.SASL_HANDSHAKE, none());
        rules.put(ApiKeys.SASL_AUTHENTICATE, none());
        topicRules(rules);
        groupRules(rules);
        transactionRules(rules);
        clusterRules(rules);
        return Collections.unmodifiableMap(rules);
    }

    /** Topics: produce, fetch, offsets, and topic administration. */
    private static void topicRules(Map<ApiKeys, AccessRule> rules) {
        // The all-topics form is filtered by the handler; auto-creation asks CREATE there.
        rules.put(ApiKeys.METADATA, each(DESCRIBE, TOPIC, request -> metadataTopics(data(request))));
        rules.put(ApiKeys.PRODUCE, AccessRules.produce());
        rules.put(ApiKeys.FETCH, when(request -> isReplica(data(request)),
                cluster(CLUSTER_ACTION, Errors.TOPIC_AUTHORIZATION_FAILED),
                // Topics are named by id from v13: the handler asks READ once it has the name.
                none()));
        rules.put(ApiKeys.LIST_OFFSETS, each(DESCRIBE, TOPIC, request ->
                names(AccessRules.<ListOffsetsRequestData>data(request).topics(), ListOffsetsRequestData.ListOffsetsTopic::name)));
        // The all-topics form is filtered by the handler.
        rules.put(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, each(DESCRIBE, TOPIC, request -> names(
                AccessRules.<DescribeTopicPartitionsRequestData>data(request).topics(),
                DescribeTopicPartitionsRequestData.TopicRequest::name)));
        rules.put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, when(
                request -> AccessRules.<OffsetForLeaderEpochRequestData>data(request).replicaId() >= 0,
                cluster(CLUSTER_ACTION, Errors.CLUSTER_AUTHORIZATION_FAILED),
                each(DESCRIBE, TOPIC, request -> names(AccessRules.<OffsetForLeaderEpochRequestData>data(request).topics(),
                        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic::topic))));
        rules.put(ApiKeys.CREATE_TOPICS, clusterOr(CREATE, each(CREATE, TOPIC, request ->
                names(AccessRules.<CreateTopicsRequestData>data(request).topics(), CreateTopicsRequestData.CreatableTopic::name))));
        rules.put(ApiKeys.DELETE_TOPICS, each(DELETE, TOPIC, request -> deletedTopics(data(request))));
        rules.put(ApiKeys.CREATE_PARTITIONS, each(ALTER, TOPIC, request -> names(
                AccessRules.<CreatePartitionsRequestData>data(request).topics(),
                CreatePartitionsRequestData.CreatePartitionsTopic::name)));
        rules.put(ApiKeys.DELETE_RECORDS, each(DELETE, TOPIC, request -> names(
                AccessRules.<DeleteRecordsRequestData>data(request).topics(),
                DeleteRecordsRequestData.DeleteRecordsTopic::name)));
        rules.put(ApiKeys.DESCRIBE_CONFIGS, configResources(DESCRIBE_CONFIGS, request -> names(
                AccessRules.<DescribeConfigsRequestData>data(request).resources(),
                resource -> ConfigResourceName.of(resource.resourceType(), resource.resourceName()))));
        rules.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, configResources(ALTER_CONFIGS, request -> names(
                AccessRules.<IncrementalAlterConfigsRequestData>data(request).resources(),
                resource -> ConfigResourceName.of(resource.resourceType(), resource.resourceName()))));
        // The original form, translated into IncrementalAlterConfigs by its handler: the same checks.
        rules.put(ApiKeys.ALTER_CONFIGS, configResources(ALTER_CONFIGS, request -> names(
                AccessRules.<AlterConfigsRequestData>data(request).resources(),
                resource -> ConfigResourceName.of(resource.resourceType(), resource.resourceName()))));
        rules.put(ApiKeys.DESCRIBE_CLUSTER, none());
    }

    /** Groups: membership, committed offsets, and group administration. */
    private static void groupRules(Map<ApiKeys, AccessRule> rules) {
        rules.put(ApiKeys.FIND_COORDINATOR, findCoordinator());
        rules.put(ApiKeys.JOIN_GROUP, group(READ, request -> AccessRules.<JoinGroupRequestData>data(request).groupId()));
        rules.put(ApiKeys.SYNC_GROUP, group(READ, request -> AccessRules.<SyncGroupRequestData>data(request).groupId()));
        rules.put(ApiKeys.HEARTBEAT, group(READ, request -> AccessRules.<HeartbeatRequestData>data(request).groupId()));
        rules.put(ApiKeys.LEAVE_GROUP, group(READ, request -> AccessRules.<LeaveGroupRequestData>data(request).groupId()));
        rules.put(ApiKeys.CONSUMER_GROUP_HEARTBEAT, group(READ,
                request -> AccessRules.<ConsumerGroupHeartbeatRequestData>data(request).groupId()));
        rules.put(ApiKeys.OFFSET_COMMIT, group(READ, request -> AccessRules.<OffsetCommitRequestData>data(request).groupId())
                .then(each(READ, TOPIC, request -> names(AccessRules.<OffsetCommitRequestData>data(request).topics(),
                        OffsetCommitRequestData.OffsetCommitRequestTopic::name))));
        // Groups the principal may not DESCRIBE are answered per group; topics are filtered by the handler.
        rules.put(ApiKeys.OFFSET_FETCH, each(DESCRIBE, GROUP, request -> offsetFetchGroups(data(request))));
        rules.put(ApiKeys.OFFSET_DELETE, group(DELETE, request -> AccessRules.<OffsetDeleteRequestData>data(request).groupId())
                .then(each(READ, TOPIC, request -> names(AccessRules.<OffsetDeleteRequestData>data(request).topics(),
                        OffsetDeleteRequestData.OffsetDeleteRequestTopic::name))));
        rules.put(ApiKeys.DESCRIBE_GROUPS, each(DESCRIBE, GROUP,
                request -> AccessRules.<DescribeGroupsRequestData>data(request).groups()));
        rules.put(ApiKeys.CONSUMER_GROUP_DESCRIBE, each(DESCRIBE, GROUP,
                request -> AccessRules.<ConsumerGroupDescribeRequestData>data(request).groupIds()));
        // Without DESCRIBE on the cluster, the handler lists only the groups the principal may DESCRIBE.
        rules.put(ApiKeys.LIST_GROUPS, none());
        rules.put(ApiKeys.DELETE_GROUPS, each(DELETE, GROUP,
                request -> AccessRules.<DeleteGroupsRequestData>data(request).groupsNames()));
    }

    /** Producer ids and transactions. */
    private static void transactionRules(Map<ApiKeys, AccessRule> rules) {
        rules.put(ApiKeys.INIT_PRODUCER_ID, AccessRules.initProducerId());
        rules.put(ApiKeys.ADD_PARTITIONS_TO_TXN, when(request -> request.version() >= 4,
                cluster(CLUSTER_ACTION, Errors.CLUSTER_AUTHORIZATION_FAILED),
                transactionalId(request -> AccessRules.<AddPartitionsToTxnRequestData>data(request).v3AndBelowTransactionalId())
                        .then(AccessRules.addPartitionsToTxnTopics())));
        rules.put(ApiKeys.ADD_OFFSETS_TO_TXN,
                transactionalId(request -> AccessRules.<AddOffsetsToTxnRequestData>data(request).transactionalId())
                        .then(group(READ, request -> AccessRules.<AddOffsetsToTxnRequestData>data(request).groupId())));
        rules.put(ApiKeys.END_TXN, transactionalId(request -> AccessRules.<EndTxnRequestData>data(request).transactionalId()));
        rules.put(ApiKeys.TXN_OFFSET_COMMIT,
                transactionalId(request -> AccessRules.<TxnOffsetCommitRequestData>data(request).transactionalId())
                        .then(group(READ, request -> AccessRules.<TxnOffsetCommitRequestData>data(request).groupId()))
                        .then(each(READ, TOPIC, request -> names(AccessRules.<TxnOffsetCommitRequestData>data(request).topics(),
                                TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic::name))));
        // Partitions of topics the requester may not DESCRIBE are left out by the handler.
        rules.put(ApiKeys.DESCRIBE_TRANSACTIONS, each(DESCRIBE, TRANSACTIONAL_ID,
                request -> AccessRules.<DescribeTransactionsRequestData>data(request).transactionalIds()));
        // The handler lists only the transactional ids the principal may DESCRIBE.
        rules.put(ApiKeys.LIST_TRANSACTIONS, none());
        rules.put(ApiKeys.DESCRIBE_PRODUCERS, each(READ, TOPIC, request -> names(
                AccessRules.<DescribeProducersRequestData>data(request).topics(),
                DescribeProducersRequestData.TopicRequest::name)));
        rules.put(ApiKeys.WRITE_TXN_MARKERS, clusterOr(ALTER, cluster(CLUSTER_ACTION, Errors.CLUSTER_AUTHORIZATION_FAILED)));
    }

    /** The cluster: its log directories, leaders, quorum, reassignments, ACLs, users and quotas. */
    private static void clusterRules(Map<ApiKeys, AccessRule> rules) {
        rules.put(ApiKeys.DESCRIBE_LOG_DIRS, cluster(DESCRIBE, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.ELECT_LEADERS, cluster(ALTER, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.DESCRIBE_QUORUM, cluster(DESCRIBE, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, cluster(ALTER, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.LIST_PARTITION_REASSIGNMENTS, cluster(DESCRIBE, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.CREATE_ACLS, cluster(ALTER, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.DELETE_ACLS, cluster(ALTER, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.DESCRIBE_ACLS, cluster(DESCRIBE, Errors.CLUSTER_AUTHORIZATION_FAILED));
        // Its error response cannot be built for a describe-all request: Kafka answers it this way.
        rules.put(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, clusterElseAnswer(DESCRIBE, () -> new DescribeUserScramCredentialsResponseData()
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())));
        rules.put(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, cluster(ALTER, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.DESCRIBE_CLIENT_QUOTAS, cluster(DESCRIBE_CONFIGS, Errors.CLUSTER_AUTHORIZATION_FAILED));
        rules.put(ApiKeys.ALTER_CLIENT_QUOTAS, cluster(ALTER_CONFIGS, Errors.CLUSTER_AUTHORIZATION_FAILED));
    }

    /**
     * Produce: WRITE on the transactional id of transactional records, else the whole request fails;
     * then WRITE on each topic. An acks=0 request that is denied anything closes the connection
     * with nothing appended, as Kafka closes it on any error of an acks=0 produce.
     */
    private static AccessRule produce() {
        AccessRule checks = transactionalId(request -> AccessRules.<ProduceRequestData>data(request).transactionalId())
                // From v13 topics may be named by id: the handler asks for those once it knows the name.
                .then(each(WRITE, TOPIC, request -> AccessRules.<ProduceRequestData>data(request).topicData().stream()
                        .map(ProduceRequestData.TopicProduceData::name).filter(name -> name != null && !name.isEmpty())
                        .toList()));
        return (request, access) -> {
            AccessRule.Verdict verdict = checks.check(request, access);
            if (AccessRules.<ProduceRequestData>data(request).acks() != 0) {
                return verdict;
            }
            boolean denied = verdict instanceof AccessRule.Verdict.Reject
                    || AccessRules.<ProduceRequestData>data(request).topicData().stream()
                            .anyMatch(topic -> ((AccessRule.Verdict.Proceed) verdict).access().deniedTopic(topic.name()));
            return denied ? new AccessRule.Verdict.Close("acks=0 produce denied by the authorizer") : verdict;
        };
    }

    /**
     * InitProducerId: WRITE on the transactional id; without one (an idempotent producer),
     * IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679), as Kafka asks.
     */
    private static AccessRule initProducerId() {
        return (request, access) -> {
            String transactionalId = AccessRules.<InitProducerIdRequestData>data(request).transactionalId();
            if (transactionalId != null) {
                return access.allows(WRITE, TRANSACTIONAL_ID, transactionalId) ? new AccessRule.Verdict.Proceed(access)
                        : new AccessRule.Verdict.Reject(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
            }
            return access.allowsQuietly(IDEMPOTENT_WRITE, ResourceType.CLUSTER, Resource.CLUSTER_NAME)
                    || access.allowsAny(WRITE, TOPIC)
                    ? new AccessRule.Verdict.Proceed(access) : new AccessRule.Verdict.Reject(Errors.CLUSTER_AUTHORIZATION_FAILED);
        };
    }

    /**
     * AddPartitionsToTxn v0-3: WRITE on every topic, else nothing is added, as Kafka answers it: the
     * denied topics' partitions TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED.
     */
    private static AccessRule addPartitionsToTxnTopics() {
        return (request, access) -> {
            AddPartitionsToTxnRequestData data = data(request);
            Set<String> denied = access.deniedOf(WRITE, TOPIC,
                    names(data.v3AndBelowTopics(), AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic::name));
            if (denied.isEmpty()) {
                return new AccessRule.Verdict.Proceed(access);
            }
            AddPartitionsToTxnTopicResultCollection results = new AddPartitionsToTxnTopicResultCollection();
            for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic : data.v3AndBelowTopics()) {
                Errors error = denied.contains(topic.name()) ? Errors.TOPIC_AUTHORIZATION_FAILED : Errors.OPERATION_NOT_ATTEMPTED;
                AddPartitionsToTxnTopicResult result = new AddPartitionsToTxnTopicResult().setName(topic.name());
                topic.partitions().forEach(partition -> result.resultsByPartition().add(new AddPartitionsToTxnPartitionResult()
                        .setPartitionIndex(partition).setPartitionErrorCode(error.code())));
                results.add(result);
            }
            return new AccessRule.Verdict.Answer(new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(results));
        };
    }

    /** FindCoordinator: DESCRIBE on each group, or on each transactional id, by key type. */
    private static AccessRule findCoordinator() {
        return (request, access) -> {
            FindCoordinatorRequestData data = data(request);
            List<String> keys = request.version() >= 4 ? data.coordinatorKeys() : List.of(data.key());
            ResourceType type = data.keyType() == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()
                    ? TRANSACTIONAL_ID : GROUP;
            return each(DESCRIBE, type, ignored -> keys).check(request, access);
        };
    }

    /**
     * DescribeConfigs and IncrementalAlterConfigs: the operation on each resource's topic or group,
     * or on the cluster for a broker or broker logger; the handler answers a denied one alone.
     */
    private static AccessRule configResources(AclOperation operation, Function<ApiRequest, Collection<ConfigResourceName>> resources) {
        return (request, access) -> {
            Map<ResourceType, List<String>> byType = new EnumMap<>(ResourceType.class);
            for (ConfigResourceName resource : resources.apply(request)) {
                if (resource.type() != null) {
                    byType.computeIfAbsent(resource.type(), type -> new ArrayList<>()).add(resource.name());
                }
            }
            Access decided = access;
            for (Map.Entry<ResourceType, List<String>> names : byType.entrySet()) {
                decided = decided.withDenied(names.getKey(), access.deniedOf(operation, names.getKey(), names.getValue()));
            }
            return new AccessRule.Verdict.Proceed(decided);
        };
    }

    private static AccessRule group(AclOperation operation, Function<ApiRequest, String> groupId) {
        return whole(operation, GROUP, groupId, Errors.GROUP_AUTHORIZATION_FAILED);
    }

    private static AccessRule transactionalId(Function<ApiRequest, String> id) {
        return whole(WRITE, TRANSACTIONAL_ID, id, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    }

    private static boolean isReplica(FetchRequestData data) {
        return data.replicaId() >= 0 || data.replicaState().replicaId() >= 0;
    }

    private static Collection<String> metadataTopics(MetadataRequestData data) {
        if (data.topics() == null) {
            return List.of();
        }
        return data.topics().stream().map(MetadataRequestData.MetadataRequestTopic::name)
                .filter(Objects::nonNull).toList();
    }

    private static Collection<String> deletedTopics(DeleteTopicsRequestData data) {
        List<String> out = new ArrayList<>(data.topicNames());
        for (DeleteTopicsRequestData.DeleteTopicState topic : data.topics()) {
            if (topic.name() != null) {
                out.add(topic.name());
            }
        }
        return out;
    }

    private static Collection<String> offsetFetchGroups(OffsetFetchRequestData data) {
        if (!data.groups().isEmpty()) {
            return data.groups().stream().map(OffsetFetchRequestData.OffsetFetchRequestGroup::groupId).toList();
        }
        return List.of(data.groupId());
    }

    @SuppressWarnings("unchecked")
    static <T extends ApiMessage> T data(ApiRequest request) {
        return (T) request.body().data();
    }

    private static <E, N> List<N> names(Collection<E> entries, Function<E, N> name) {
        return entries.stream().map(name).toList();
    }

    private static SecurityProtocol protocol(NetworkConfig.BrokerListener listener) {
        boolean sasl = listener.sasl().isPresent();
        if (listener.isTls()) {
            return sasl ? SecurityProtocol.SASL_SSL : SecurityProtocol.SSL;
        }
        return sasl ? SecurityProtocol.SASL_PLAINTEXT : SecurityProtocol.PLAINTEXT;
    }

    /** A config resource as an ACL resource: topic, group, or the cluster (broker and broker logger). */
    record ConfigResourceName(ResourceType type, String name, Errors denied) {

        /** The error for a config resource its rule denied, else NONE. */
        static Errors denial(Access access, byte configType, String name) {
            ConfigResourceName resource = of(configType, name);
            return resource.type() != null && access.denied(resource.type(), resource.name()) ? resource.denied() : Errors.NONE;
        }

        static ConfigResourceName of(byte configType, String name) {
            return switch (ConfigResource.Type.forId(configType)) {
                case TOPIC -> new ConfigResourceName(TOPIC, name, Errors.TOPIC_AUTHORIZATION_FAILED);
                case GROUP -> new ConfigResourceName(GROUP, name, Errors.GROUP_AUTHORIZATION_FAILED);
                case BROKER, BROKER_LOGGER -> new ConfigResourceName(ResourceType.CLUSTER,
                        Resource.CLUSTER_NAME, Errors.CLUSTER_AUTHORIZATION_FAILED);
                // Unknown types get the handler's INVALID_REQUEST; there is nothing to authorize.
                default -> new ConfigResourceName(null, name, Errors.NONE);
            };
        }
    }
}
