package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
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
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every served API against Kafka's authorizer, in the manner of Kafka's
 * {@code AuthorizerIntegrationTest.requestKeysToAcls}: each request is sent by a principal with no
 * ACL (its authorization error), with DESCRIBE only where it needs more (still the error), and with
 * the ACLs it needs (no authorization error). Raw frames over SASL_PLAINTEXT as PLAIN user
 * {@code client}; the ACLs are made and removed with Admin by super user {@code admin}. Also: an
 * absent topic is TOPIC_AUTHORIZATION_FAILED without DESCRIBE and UNKNOWN_TOPIC_OR_PARTITION with it,
 * an all-topics Metadata leaves out what the client may not DESCRIBE, and a denied acks=0 produce
 * closes the connection with nothing appended.
 */
class AuthorizationMatrixIT {

    private static final String TOPIC = "orders";
    private static final String GROUP = "g";
    private static final String TRANSACTIONAL_ID = "tx";
    private static final String CLIENT = "User:client";
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_admin=\"admin-secret\" user_client=\"client-secret\";";

    @TempDir
    static Path data;
    private static SuretyBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = SuretyBroker.builder().dataDir(data).configs(Map.of(
                "listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", JAAS,
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:admin",
                "auto.create.topics.enable", "false")).start();
        admin = Admin.create(SaslListenerIT.client(broker, "SASL_PLAINTEXT", "admin", "admin-secret"));
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1), new NewTopic("other", 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void noAcls() throws Exception {
        admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(30, TimeUnit.SECONDS);
    }

    /** One row of the matrix: a request, the error it gets when denied, and the ACLs that allow it. */
    private record Row(ApiKeys api, short version, ApiMessage body, Errors denied, Map<ResourcePattern, Set<AclOperation>> acls) {
    }

    private static final ResourcePattern TOPIC_RESOURCE = new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL);
    private static final ResourcePattern GROUP_RESOURCE = new ResourcePattern(ResourceType.GROUP, GROUP, PatternType.LITERAL);
    private static final ResourcePattern TXN_RESOURCE =
            new ResourcePattern(ResourceType.TRANSACTIONAL_ID, TRANSACTIONAL_ID, PatternType.LITERAL);
    private static final ResourcePattern CLUSTER_RESOURCE =
            new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);

    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(List.of(
                new MetadataRequestData.MetadataRequestTopic().setName(TOPIC))).setAllowAutoTopicCreation(false),
                Errors.TOPIC_AUTHORIZATION_FAILED, Map.of(TOPIC_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.PRODUCE, (short) 9, produce((short) 1, TOPIC, null),
                Errors.TOPIC_AUTHORIZATION_FAILED, Map.of(TOPIC_RESOURCE, Set.of(AclOperation.WRITE))));
        rows.add(new Row(ApiKeys.FETCH, (short) 12, fetch(), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(TOPIC_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.LIST_OFFSETS, (short) 7, listOffsets(TOPIC), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(TOPIC_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.OFFSET_FOR_LEADER_EPOCH, (short) 4, offsetForLeaderEpoch(), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(TOPIC_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0, new DescribeTopicPartitionsRequestData()
                .setTopics(List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName(TOPIC))),
                Errors.TOPIC_AUTHORIZATION_FAILED, Map.of(TOPIC_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.CREATE_TOPICS, (short) 7, createTopics("created"), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(new ResourcePattern(ResourceType.TOPIC, "created", PatternType.LITERAL), Set.of(AclOperation.CREATE))));
        rows.add(new Row(ApiKeys.CREATE_PARTITIONS, (short) 3, createPartitions(), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(TOPIC_RESOURCE, Set.of(AclOperation.ALTER))));
        rows.add(new Row(ApiKeys.DESCRIBE_CONFIGS, (short) 4, describeConfigs(), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(TOPIC_RESOURCE, Set.of(AclOperation.DESCRIBE_CONFIGS))));
        rows.add(new Row(ApiKeys.INCREMENTAL_ALTER_CONFIGS, (short) 1, alterConfigs(), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(TOPIC_RESOURCE, Set.of(AclOperation.ALTER_CONFIGS))));
        rows.add(new Row(ApiKeys.ALTER_CONFIGS, (short) 2, originalAlterConfigs(), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(TOPIC_RESOURCE, Set.of(AclOperation.ALTER_CONFIGS))));
        rows.add(new Row(ApiKeys.FIND_COORDINATOR, (short) 3, new FindCoordinatorRequestData().setKey(GROUP)
                .setKeyType((byte) 0), Errors.GROUP_AUTHORIZATION_FAILED, Map.of(GROUP_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.JOIN_GROUP, (short) 7, new JoinGroupRequestData().setGroupId(GROUP).setMemberId("")
                .setProtocolType("consumer").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000)
                .setProtocols(new JoinGroupRequestData.JoinGroupRequestProtocolCollection(List.of(
                        new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]))
                        .iterator())),
                Errors.GROUP_AUTHORIZATION_FAILED, Map.of(GROUP_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.SYNC_GROUP, (short) 5, new SyncGroupRequestData().setGroupId(GROUP).setMemberId("m")
                .setGenerationId(1).setProtocolType("consumer").setProtocolName("range"),
                Errors.GROUP_AUTHORIZATION_FAILED, Map.of(GROUP_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.HEARTBEAT, (short) 4, new HeartbeatRequestData().setGroupId(GROUP).setMemberId("m")
                .setGenerationId(1), Errors.GROUP_AUTHORIZATION_FAILED, Map.of(GROUP_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.LEAVE_GROUP, (short) 4, new LeaveGroupRequestData().setGroupId(GROUP).setMembers(List.of(
                new LeaveGroupRequestData.MemberIdentity().setMemberId("m"))),
                Errors.GROUP_AUTHORIZATION_FAILED, Map.of(GROUP_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 0, new ConsumerGroupHeartbeatRequestData()
                .setGroupId(GROUP).setMemberId(Uuid.randomUuid().toString()).setMemberEpoch(0).setRebalanceTimeoutMs(10_000)
                .setSubscribedTopicNames(List.of(TOPIC)).setTopicPartitions(List.of()),
                Errors.GROUP_AUTHORIZATION_FAILED, Map.of(GROUP_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.OFFSET_COMMIT, (short) 8, offsetCommit(), Errors.GROUP_AUTHORIZATION_FAILED,
                Map.of(GROUP_RESOURCE, Set.of(AclOperation.READ), TOPIC_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.OFFSET_FETCH, (short) 7, new OffsetFetchRequestData().setGroupId(GROUP).setTopics(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(TOPIC).setPartitionIndexes(List.of(0)))),
                Errors.GROUP_AUTHORIZATION_FAILED,
                Map.of(GROUP_RESOURCE, Set.of(AclOperation.DESCRIBE), TOPIC_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.OFFSET_DELETE, (short) 0, offsetDelete(), Errors.GROUP_AUTHORIZATION_FAILED,
                Map.of(GROUP_RESOURCE, Set.of(AclOperation.DELETE), TOPIC_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.DESCRIBE_GROUPS, (short) 5, new DescribeGroupsRequestData().setGroups(List.of(GROUP)),
                Errors.GROUP_AUTHORIZATION_FAILED, Map.of(GROUP_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.CONSUMER_GROUP_DESCRIBE, (short) 0, new ConsumerGroupDescribeRequestData()
                .setGroupIds(List.of(GROUP)), Errors.GROUP_AUTHORIZATION_FAILED,
                Map.of(GROUP_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.INIT_PRODUCER_ID, (short) 4, new InitProducerIdRequestData().setTransactionalId(
                TRANSACTIONAL_ID).setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1),
                Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, Map.of(TXN_RESOURCE, Set.of(AclOperation.WRITE))));
        rows.add(new Row(ApiKeys.INIT_PRODUCER_ID, (short) 4, new InitProducerIdRequestData().setTransactionalId(null)
                .setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1),
                Errors.CLUSTER_AUTHORIZATION_FAILED, Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.IDEMPOTENT_WRITE))));
        rows.add(new Row(ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 3, addPartitionsToTxn(),
                Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                Map.of(TXN_RESOURCE, Set.of(AclOperation.WRITE), TOPIC_RESOURCE, Set.of(AclOperation.WRITE))));
        rows.add(new Row(ApiKeys.ADD_OFFSETS_TO_TXN, (short) 3, new AddOffsetsToTxnRequestData()
                .setTransactionalId(TRANSACTIONAL_ID).setProducerId(1).setProducerEpoch((short) 0).setGroupId(GROUP),
                Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                Map.of(TXN_RESOURCE, Set.of(AclOperation.WRITE), GROUP_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.END_TXN, (short) 3, new EndTxnRequestData().setTransactionalId(TRANSACTIONAL_ID)
                .setProducerId(1).setProducerEpoch((short) 0).setCommitted(false),
                Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, Map.of(TXN_RESOURCE, Set.of(AclOperation.WRITE))));
        rows.add(new Row(ApiKeys.TXN_OFFSET_COMMIT, (short) 3, txnOffsetCommit(), Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                Map.of(TXN_RESOURCE, Set.of(AclOperation.WRITE), GROUP_RESOURCE, Set.of(AclOperation.READ),
                        TOPIC_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.DESCRIBE_TRANSACTIONS, (short) 0, new DescribeTransactionsRequestData()
                .setTransactionalIds(List.of(TRANSACTIONAL_ID)), Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                Map.of(TXN_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.DESCRIBE_PRODUCERS, (short) 0, new DescribeProducersRequestData().setTopics(List.of(
                new DescribeProducersRequestData.TopicRequest().setName(TOPIC).setPartitionIndexes(List.of(0)))),
                Errors.TOPIC_AUTHORIZATION_FAILED, Map.of(TOPIC_RESOURCE, Set.of(AclOperation.READ))));
        rows.add(new Row(ApiKeys.DESCRIBE_LOG_DIRS, (short) 4, new DescribeLogDirsRequestData().setTopics(null),
                Errors.CLUSTER_AUTHORIZATION_FAILED, Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.WRITE_TXN_MARKERS, (short) 1, writeTxnMarkers(),
                Errors.CLUSTER_AUTHORIZATION_FAILED, Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.CLUSTER_ACTION))));
        rows.add(new Row(ApiKeys.DESCRIBE_ACLS, (short) 3, new DescribeAclsRequestData().setResourceTypeFilter(
                ResourceType.ANY.code()).setPatternTypeFilter(PatternType.ANY.code()).setOperation(AclOperation.ANY.code())
                .setPermissionType(AclPermissionType.ANY.code()), Errors.CLUSTER_AUTHORIZATION_FAILED,
                Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.CREATE_ACLS, (short) 3, new CreateAclsRequestData().setCreations(List.of(
                new CreateAclsRequestData.AclCreation().setResourceType(ResourceType.GROUP.code()).setResourceName("x")
                        .setResourcePatternType(PatternType.LITERAL.code()).setPrincipal(CLIENT).setHost("*")
                        .setOperation(AclOperation.READ.code()).setPermissionType(AclPermissionType.ALLOW.code()))),
                Errors.CLUSTER_AUTHORIZATION_FAILED, Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.ALTER))));
        rows.add(new Row(ApiKeys.DELETE_ACLS, (short) 3, new DeleteAclsRequestData().setFilters(List.of(
                new DeleteAclsRequestData.DeleteAclsFilter().setResourceTypeFilter(ResourceType.GROUP.code())
                        .setResourceNameFilter("x").setPatternTypeFilter(PatternType.LITERAL.code())
                        .setOperation(AclOperation.ANY.code()).setPermissionType(AclPermissionType.ANY.code()))),
                Errors.CLUSTER_AUTHORIZATION_FAILED, Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.ALTER))));
        rows.add(new Row(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, (short) 0,
                new DescribeUserScramCredentialsRequestData().setUsers(null),
                Errors.CLUSTER_AUTHORIZATION_FAILED, Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.DESCRIBE))));
        rows.add(new Row(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, (short) 0,
                new AlterUserScramCredentialsRequestData().setDeletions(List.of(
                        new AlterUserScramCredentialsRequestData.ScramCredentialDeletion()
                                .setName("nobody").setMechanism((byte) 1))),
                Errors.CLUSTER_AUTHORIZATION_FAILED, Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.ALTER))));
        rows.add(new Row(ApiKeys.DESCRIBE_CLIENT_QUOTAS, (short) 1,
                new DescribeClientQuotasRequestData().setComponents(List.of()),
                Errors.CLUSTER_AUTHORIZATION_FAILED, Map.of(CLUSTER_RESOURCE, Set.of(AclOperation.DESCRIBE_CONFIGS))));
        rows.add(new Row(ApiKeys.DELETE_GROUPS, (short) 2, new DeleteGroupsRequestData().setGroupsNames(List.of(GROUP)),
                Errors.GROUP_AUTHORIZATION_FAILED, Map.of(GROUP_RESOURCE, Set.of(AclOperation.DELETE))));
        // Destructive ones last.
        rows.add(new Row(ApiKeys.DELETE_RECORDS, (short) 2, deleteRecords(), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(TOPIC_RESOURCE, Set.of(AclOperation.DELETE))));
        rows.add(new Row(ApiKeys.DELETE_TOPICS, (short) 5, new DeleteTopicsRequestData().setTopicNames(List.of("created"))
                .setTimeoutMs(10_000), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of(new ResourcePattern(ResourceType.TOPIC, "created", PatternType.LITERAL), Set.of(AclOperation.DELETE))));
        return rows;
    }

    @Test
    void shouldDenyEachApiWithoutItsAclsAndWithDescribeOnlyAndAllowItWithThem() throws Exception {
        for (Row row : rows()) {
            String what = row.api() + " v" + row.version() + " " + row.acls();
            deleteAllAcls();
            double deniedBefore = denials(row.api());
            assertThat(errors(row)).as("%s without ACLs", what).contains(row.denied());
            assertThat(denials(row.api())).as("%s denial counted", what).isGreaterThan(deniedBefore);
            if (row.acls().values().stream().anyMatch(ops -> !ops.equals(Set.of(AclOperation.DESCRIBE)))) {
                for (ResourcePattern resource : row.acls().keySet()) {
                    allow(resource, AclOperation.DESCRIBE);
                }
                assertThat(errors(row)).as("%s with DESCRIBE only", what).contains(row.denied());
            }
            row.acls().forEach((resource, operations) -> operations.forEach(operation -> allow(resource, operation)));
            assertThat(errors(row)).as("%s with its ACLs", what).doesNotContain(row.denied());
        }
    }

    @Test
    void shouldAnswerEachDeniedNameAloneAndServeTheOthers() throws Exception {
        allow(TOPIC_RESOURCE, AclOperation.WRITE);
        allow(TOPIC_RESOURCE, AclOperation.DESCRIBE_CONFIGS);
        allow(GROUP_RESOURCE, AclOperation.DESCRIBE);
        ProduceRequestData produce = produce((short) 1, TOPIC, null);
        produce.topicData().add(produce((short) 1, "other", null).topicData().find("other", Uuid.ZERO_UUID).duplicate());
        DescribeConfigsRequestData configs = describeConfigs().setResources(new ArrayList<>(describeConfigs().resources()));
        configs.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                .setResourceName("other").setConfigurationKeys(null));

        try (RawKafkaConnection connection = authenticated()) {
            ProduceResponseData produced = (ProduceResponseData) call(connection, ApiKeys.PRODUCE, (short) 9, produce).data();
            assertThat(produced.responses().find(TOPIC, Uuid.ZERO_UUID).partitionResponses().get(0).errorCode())
                    .isEqualTo(Errors.NONE.code());
            assertThat(produced.responses().find("other", Uuid.ZERO_UUID).partitionResponses().get(0).errorCode())
                    .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());

            DescribeConfigsResponseData described = (DescribeConfigsResponseData) call(connection,
                    ApiKeys.DESCRIBE_CONFIGS, (short) 4, configs).data();
            assertThat(described.results()).extracting(DescribeConfigsResponseData.DescribeConfigsResult::resourceName,
                    DescribeConfigsResponseData.DescribeConfigsResult::errorCode).containsExactlyInAnyOrder(
                    tuple(TOPIC, Errors.NONE.code()),
                    tuple("other", Errors.TOPIC_AUTHORIZATION_FAILED.code()));

            DescribeGroupsResponseData groups = (DescribeGroupsResponseData) call(connection, ApiKeys.DESCRIBE_GROUPS,
                    (short) 5, new DescribeGroupsRequestData().setGroups(List.of(GROUP, "secret"))).data();
            assertThat(groups.groups()).extracting(DescribeGroupsResponseData.DescribedGroup::groupId,
                    DescribeGroupsResponseData.DescribedGroup::errorCode).containsExactlyInAnyOrder(
                    tuple(GROUP, Errors.NONE.code()),
                    tuple("secret", Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
    }

    @Test
    void shouldReportTheRequestersOwnAuthorizedOperations() throws Exception {
        allow(TOPIC_RESOURCE, AclOperation.READ);
        allow(CLUSTER_RESOURCE, AclOperation.DESCRIBE);
        try (Admin client = Admin.create(SaslListenerIT.client(broker, "SASL_PLAINTEXT", "client", "client-secret"))) {
            TopicDescription topic = client.describeTopics(List.of(TOPIC),
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(TOPIC);
            Set<AclOperation> cluster = client.describeCluster(new DescribeClusterOptions()
                    .includeAuthorizedOperations(true)).authorizedOperations().get(30, TimeUnit.SECONDS);

            // READ, and the DESCRIBE it implies.
            assertThat(topic.authorizedOperations()).containsExactlyInAnyOrder(AclOperation.READ, AclOperation.DESCRIBE);
            assertThat(cluster).containsExactly(AclOperation.DESCRIBE);
        }
    }

    @Test
    void shouldServeTheUnguardedApisWithoutAnyAcl() throws Exception {
        try (RawKafkaConnection connection = authenticated()) {
            assertThat(errorsOf(connection, ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()
                    .setClientSoftwareName("matrix").setClientSoftwareVersion("1"))).containsOnly(Errors.NONE);
            assertThat(errorsOf(connection, ApiKeys.DESCRIBE_CLUSTER, (short) 1,
                    new DescribeClusterRequestData())).containsOnly(Errors.NONE);
        }
    }

    @Test
    void shouldTellAnAbsentTopicOnlyToWhoMayDescribeIt() throws Exception {
        ResourcePattern absent = new ResourcePattern(ResourceType.TOPIC, "absent", PatternType.LITERAL);
        Row metadata = new Row(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(List.of(
                new MetadataRequestData.MetadataRequestTopic().setName("absent"))).setAllowAutoTopicCreation(false),
                Errors.TOPIC_AUTHORIZATION_FAILED, Map.of());
        Row listOffsets = new Row(ApiKeys.LIST_OFFSETS, (short) 7, listOffsets("absent"), Errors.TOPIC_AUTHORIZATION_FAILED,
                Map.of());
        Row produce = new Row(ApiKeys.PRODUCE, (short) 9, produce((short) 1, "absent", null),
                Errors.TOPIC_AUTHORIZATION_FAILED, Map.of());

        for (Row row : List.of(metadata, listOffsets, produce)) {
            assertThat(errors(row)).as("%s", row.api()).containsOnly(Errors.TOPIC_AUTHORIZATION_FAILED);
        }
        allow(absent, AclOperation.DESCRIBE);
        assertThat(errors(metadata)).containsOnly(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(errors(listOffsets)).containsOnly(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        allow(absent, AclOperation.WRITE);
        assertThat(errors(produce)).containsOnly(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void shouldLeaveOutOfAllTopicsMetadataWhatThePrincipalMayNotDescribe() throws Exception {
        allow(TOPIC_RESOURCE, AclOperation.DESCRIBE);
        try (RawKafkaConnection connection = authenticated()) {
            MetadataResponseData all = (MetadataResponseData) call(connection, ApiKeys.METADATA, (short) 12,
                    new MetadataRequestData().setTopics(null).setAllowAutoTopicCreation(false)).data();

            assertThat(all.topics()).extracting(MetadataResponseData.MetadataResponseTopic::name).containsExactly(TOPIC);
        }
    }

    @Test
    void shouldCloseADeniedAcksZeroProduceWithNothingAppended() throws Exception {
        TopicPartition partition = new TopicPartition("other", 0);
        long before = endOffset(partition);
        try (RawKafkaConnection connection = authenticated()) {
            connection.send(RawKafkaConnection.frame(ApiKeys.PRODUCE, (short) 9, connection.nextCorrelationId(),
                    produce((short) 0, "other", null)));

            assertThat(connection.awaitClosedByBroker(Duration.ofSeconds(10))).as("bytes answered").isZero();
        }
        assertThat(endOffset(partition)).isEqualTo(before);
    }

    private static long endOffset(TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                .get(30, TimeUnit.SECONDS).offset();
    }

    private static double denials(ApiKeys api) {
        return io.surety.broker.metrics.PrometheusText.scrape(broker.metrics().registry())
                .sum("surety_authorization_denied_total", "api", api.name);
    }

    private static void deleteAllAcls() throws Exception {
        admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(30, TimeUnit.SECONDS);
    }

    private static void allow(ResourcePattern resource, AclOperation operation) {
        try {
            admin.createAcls(List.of(new AclBinding(resource,
                    new AccessControlEntry(CLIENT, "*", operation, AclPermissionType.ALLOW)))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("Could not allow " + operation + " on " + resource, e);
        }
    }

    /** The error codes of {@code row}'s answer, sent by {@code client} on a new connection. */
    private static Set<Errors> errors(Row row) throws IOException {
        try (RawKafkaConnection connection = authenticated()) {
            return errorsOf(connection, row.api(), row.version(), row.body());
        }
    }

    private static Set<Errors> errorsOf(RawKafkaConnection connection, ApiKeys api, short version, ApiMessage body)
            throws IOException {
        AbstractResponse response = call(connection, api, version, body);
        Set<Errors> errors = new HashSet<>(response.errorCounts().keySet());
        // Its errorCounts() leaves out the top-level error.
        if (response.data() instanceof DescribeUserScramCredentialsResponseData described) {
            errors.add(Errors.forCode(described.errorCode()));
        }
        return errors;
    }

    private static AbstractResponse call(RawKafkaConnection connection, ApiKeys api, short version, ApiMessage body)
            throws IOException {
        int correlationId = connection.nextCorrelationId();
        connection.send(RawKafkaConnection.frame(api, version, correlationId, body));
        ByteBuffer frame = connection.readFrame();
        ResponseHeader header = ResponseHeader.parse(frame, api.responseHeaderVersion(version));
        assertThat(header.correlationId()).isEqualTo(correlationId);
        return AbstractResponse.parseResponse(api, new ByteBufferAccessor(frame), version);
    }

    private static RawKafkaConnection authenticated() throws IOException {
        RawKafkaConnection connection = RawKafkaConnection.open(broker.port("SASL_PLAINTEXT"));
        connection.call(ApiKeys.SASL_HANDSHAKE, (short) 1, new SaslHandshakeRequestData().setMechanism("PLAIN"));
        connection.call(ApiKeys.SASL_AUTHENTICATE, (short) 2, new SaslAuthenticateRequestData()
                .setAuthBytes("\0client\0client-secret".getBytes(StandardCharsets.UTF_8)));
        return connection;
    }

    private static ProduceRequestData produce(short acks, String topic, String transactionalId) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000)
                .setTransactionalId(transactionalId);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes(StandardCharsets.UTF_8)))));
        data.topicData().add(topicData);
        return data;
    }

    private static FetchRequestData fetch() {
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20)
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                                .setPartitionMaxBytes(1 << 20)))));
    }

    private static ListOffsetsRequestData listOffsets(String topic) {
        return new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                .setName(topic).setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                        .setPartitionIndex(0).setTimestamp(-1)))));
    }

    private static OffsetForLeaderEpochRequestData offsetForLeaderEpoch() {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC);
        topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                .setLeaderEpoch(0).setCurrentLeaderEpoch(-1));
        data.topics().add(topic);
        return data;
    }

    private static CreateTopicsRequestData createTopics(String name) {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(1)
                .setReplicationFactor((short) 1));
        return data;
    }

    private static CreatePartitionsRequestData createPartitions() {
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(TOPIC).setCount(2)
                .setAssignments(null));
        return data;
    }

    private static DescribeConfigsRequestData describeConfigs() {
        return new DescribeConfigsRequestData().setResources(List.of(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType((byte) 2).setResourceName(TOPIC).setConfigurationKeys(null)));
    }

    private static AlterConfigsRequestData originalAlterConfigs() {
        AlterConfigsRequestData data = new AlterConfigsRequestData();
        AlterConfigsRequestData.AlterConfigsResource resource =
                new AlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2).setResourceName(TOPIC);
        resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("86400000"));
        data.resources().add(resource);
        return data;
    }

    private static IncrementalAlterConfigsRequestData alterConfigs() {
        IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData();
        IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2).setResourceName(TOPIC);
        resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms")
                .setConfigOperation((byte) 0).setValue("86400000"));
        data.resources().add(resource);
        return data;
    }

    private static OffsetCommitRequestData offsetCommit() {
        return new OffsetCommitRequestData().setGroupId(GROUP).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(TOPIC)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(0)))));
    }

    private static OffsetDeleteRequestData offsetDelete() {
        OffsetDeleteRequestData data = new OffsetDeleteRequestData().setGroupId(GROUP);
        OffsetDeleteRequestData.OffsetDeleteRequestTopic topic =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(TOPIC);
        topic.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0));
        data.topics().add(topic);
        return data;
    }

    private static AddPartitionsToTxnRequestData addPartitionsToTxn() {
        AddPartitionsToTxnRequestData data = new AddPartitionsToTxnRequestData()
                .setV3AndBelowTransactionalId(TRANSACTIONAL_ID).setV3AndBelowProducerId(1).setV3AndBelowProducerEpoch((short) 0);
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(TOPIC).setPartitions(List.of(0));
        data.v3AndBelowTopics().add(topic);
        return data;
    }

    private static TxnOffsetCommitRequestData txnOffsetCommit() {
        return new TxnOffsetCommitRequestData().setTransactionalId(TRANSACTIONAL_ID).setGroupId(GROUP).setProducerId(1)
                .setProducerEpoch((short) 0).setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                        .setName(TOPIC).setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(0)))));
    }

    private static WriteTxnMarkersRequestData writeTxnMarkers() {
        return new WriteTxnMarkersRequestData().setMarkers(List.of(new WriteTxnMarkersRequestData.WritableTxnMarker()
                .setProducerId(1).setProducerEpoch((short) 0).setTransactionResult(false).setCoordinatorEpoch(0)
                .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName(TOPIC)
                        .setPartitionIndexes(List.of(0))))));
    }

    private static DeleteRecordsRequestData deleteRecords() {
        return new DeleteRecordsRequestData().setTimeoutMs(10_000).setTopics(List.of(
                new DeleteRecordsRequestData.DeleteRecordsTopic().setName(TOPIC).setPartitions(List.of(
                        new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(0)))));
    }

}
