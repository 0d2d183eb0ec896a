package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.AuthorizerConfig;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.security.AccessControl;
import io.surety.broker.security.AccessControlFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessRulesTest {

    private static final KafkaPrincipal ALICE = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice");

    @TempDir
    Path data;
    private AccessControl control;
    private AccessRules rules;

    @BeforeEach
    void open() {
        control = AccessControlFixture.open(data, new AuthorizerConfig(true, "User:admin", false));
        rules = new AccessRules(control.authorizer(), BrokerConfig.of(Map.of()).network());
    }

    @AfterEach
    void close() {
        AccessControlFixture.close(control);
    }

    @Test
    void shouldHaveARuleForEveryApiServedInEitherMode() {
        Set<ApiKeys> served = EnumSet.noneOf(ApiKeys.class);
        ServedVersions.served(true).forEach(range -> served.add(range.api()));
        ServedVersions.served(false).forEach(range -> served.add(range.api()));

        assertThat(AccessRules.covered()).containsAll(served);
    }

    @Test
    void shouldDenyEverythingButTheHandshakeWithoutAcls() {
        assertThat(rules.check(request(joinGroup("g")))).isEqualTo(new AccessRule.Verdict.Reject(Errors.GROUP_AUTHORIZATION_FAILED));
        assertThat(deniedTopics(request(listOffsets("t")), "t")).isTrue();
    }

    @Test
    void shouldLetASuperUserDoAnything() {
        ApiRequest join = request(joinGroup("g"), new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "admin"));

        assertThat(rules.check(join)).isInstanceOf(AccessRule.Verdict.Proceed.class);
    }

    @Test
    void shouldDenyOnlyTheTopicsWithoutTheOperation() {
        allow(ResourceType.TOPIC, "orders-", PatternType.PREFIXED, AclOperation.DESCRIBE);

        AccessRule.Verdict verdict = rules.check(request(listOffsets("orders-eu", "payments")));

        Access access = ((AccessRule.Verdict.Proceed) verdict).access();
        assertThat(access.deniedTopic("orders-eu")).isFalse();
        assertThat(access.deniedTopic("payments")).isTrue();
    }

    @Test
    void shouldAllowAHostRestrictedAclOnlyFromThatHost() {
        AclBinding fromElsewhere = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "t", PatternType.LITERAL),
                new AccessControlEntry(ALICE.toString(), "10.0.0.1", AclOperation.DESCRIBE, AclPermissionType.ALLOW));
        store(fromElsewhere);

        assertThat(deniedTopics(request(listOffsets("t")), "t")).isTrue();

        store(new AclBinding(fromElsewhere.pattern(),
                new AccessControlEntry(ALICE.toString(), "127.0.0.1", AclOperation.DESCRIBE, AclPermissionType.ALLOW)));
        assertThat(deniedTopics(request(listOffsets("t")), "t")).isFalse();
    }

    @Test
    void shouldLetADenyWinOverAnAllow() {
        allow(ResourceType.TOPIC, "t", PatternType.LITERAL, AclOperation.DESCRIBE);
        store(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "t", PatternType.LITERAL),
                new AccessControlEntry("User:*", "*", AclOperation.ALL, AclPermissionType.DENY)));

        assertThat(deniedTopics(request(listOffsets("t")), "t")).isTrue();
    }

    @Test
    void shouldCloseADeniedAcksZeroProduceWithoutAnswering() {
        assertThat(rules.check(request(produce((short) 0, "t")))).isInstanceOf(AccessRule.Verdict.Close.class);
        assertThat(rules.check(request(produce((short) 1, "t")))).isInstanceOf(AccessRule.Verdict.Proceed.class);
    }

    @Test
    void shouldRefuseTransactionalRecordsWithoutWriteOnTheTransactionalId() {
        allow(ResourceType.TOPIC, "t", PatternType.LITERAL, AclOperation.WRITE);
        ProduceRequestData data = produceData((short) -1, "t").setTransactionalId("tx");

        assertThat(rules.check(request(new ProduceRequest(data, ApiKeys.PRODUCE.latestVersion()))))
                .isEqualTo(new AccessRule.Verdict.Reject(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
    }

    @Test
    void shouldRefuseAnIdempotentProducerWithoutAnyWriteRight() {
        ApiRequest init = request(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(60_000)).build((short) 5));

        assertThat(rules.check(init)).isEqualTo(new AccessRule.Verdict.Reject(Errors.CLUSTER_AUTHORIZATION_FAILED));

        allow(ResourceType.TOPIC, "orders-", PatternType.PREFIXED, AclOperation.WRITE);
        assertThat(rules.check(init)).isInstanceOf(AccessRule.Verdict.Proceed.class);
    }

    @Test
    void shouldReportOnlyTheOperationsTheRequesterHas() {
        allow(ResourceType.TOPIC, "t", PatternType.LITERAL, AclOperation.READ);
        Access access = ((AccessRule.Verdict.Proceed) rules.check(request(listOffsets("t")))).access();

        // READ, and the DESCRIBE it implies.
        assertThat(AuthorizedOperations.topic(access, "t", true))
                .isEqualTo((1 << AclOperation.READ.code()) | (1 << AclOperation.DESCRIBE.code()));
    }

    private void allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        store(new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(ALICE.toString(), "*", operation, AclPermissionType.ALLOW)));
    }

    private void store(AclBinding binding) {
        try {
            control.store().change(() -> control.acls().create(List.of(binding)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean deniedTopics(ApiRequest request, String topic) {
        return ((AccessRule.Verdict.Proceed) rules.check(request)).access().deniedTopic(topic);
    }

    private static ApiRequest request(AbstractRequest body) {
        return request(body, ALICE);
    }

    private static ApiRequest request(AbstractRequest body, KafkaPrincipal principal) {
        return new ApiRequest(new RequestHeader(body.apiKey(), body.version(), "rules-test", 7), body,
                "/127.0.0.1:50000", "PLAINTEXT", principal);
    }

    private static JoinGroupRequest joinGroup(String groupId) {
        return new JoinGroupRequest.Builder(new JoinGroupRequestData().setGroupId(groupId).setProtocolType("consumer")
                .setMemberId("")).build();
    }

    private static ListOffsetsRequest listOffsets(String... topics) {
        List<ListOffsetsRequestData.ListOffsetsTopic> named = new ArrayList<>();
        for (String topic : topics) {
            named.add(new ListOffsetsRequestData.ListOffsetsTopic().setName(topic));
        }
        return ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED).setTargetTimes(named)
                .build((short) 9);
    }

    private static ProduceRequest produce(short acks, String topic) {
        return new ProduceRequest(produceData(acks, topic), ApiKeys.PRODUCE.latestVersion());
    }

    private static ProduceRequestData produceData(short acks, String topic) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(1000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(topic));
        return data;
    }
}
