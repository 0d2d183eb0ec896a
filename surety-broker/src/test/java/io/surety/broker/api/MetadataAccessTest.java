package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.AuthorizerConfig;
import io.surety.broker.security.AccessControl;
import io.surety.broker.security.AccessControlFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata as the authorizer lets a principal see it: listings, named topics, auto-creation. */
class MetadataAccessTest {

    private static final KafkaPrincipal ALICE = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice");

    @TempDir
    Path dataDir;
    private AccessControl control;
    private HandlerFixture fixture;
    private AccessRules rules;

    @BeforeEach
    void open() throws IOException {
        control = AccessControlFixture.open(Files.createDirectories(dataDir.resolve("acls")),
                new AuthorizerConfig(true, "", false));
        fixture = new HandlerFixture(dataDir.resolve("broker"));
        rules = new AccessRules(control.authorizer(), fixture.config.network());
    }

    @AfterEach
    void close() {
        fixture.close();
        AccessControlFixture.close(control);
    }

    @Test
    void shouldListOnlyTheTopicsThePrincipalMayDescribe() throws Exception {
        fixture.topicOperations.createWithDefaults("visible");
        fixture.topicOperations.createWithDefaults("hidden");
        allow("visible", AclOperation.DESCRIBE);

        MetadataResponseData all = send(new MetadataRequestData().setTopics(null));

        assertThat(all.topics()).extracting(MetadataResponseTopic::name).containsExactly("visible");
    }

    @Test
    void shouldAutoCreateOnlyWithCreateOnTheTopicOrTheCluster() throws Exception {
        allow("fresh", AclOperation.DESCRIBE);

        assertThat(send(named("fresh")).topics().find("fresh").errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(fixture.topics.get("fresh")).isNull();

        allow("fresh", AclOperation.CREATE);
        assertThat(send(named("fresh")).topics().find("fresh").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fixture.topics.get("fresh")).isNotNull();
    }

    private MetadataResponseData send(MetadataRequestData data) {
        MetadataRequest body = new MetadataRequest(data, (short) 12);
        ApiRequest request = new ApiRequest(new RequestHeader(body.apiKey(), body.version(), "metadata-access", 1), body,
                "/127.0.0.1:50000", "PLAINTEXT", ALICE);
        Access access = ((AccessRule.Verdict.Proceed) rules.check(request)).access();
        MetadataHandler handler = new MetadataHandler(fixture.config.topics(), fixture.topics, fixture.partitions,
                fixture.topicOperations, fixture.localNode);
        return (MetadataResponseData) ((ApiResponse.Send) handler.handle(request.withAccess(access)).join()).body();
    }

    private static MetadataRequestData named(String name) {
        return new MetadataRequestData().setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(name)));
    }

    private void allow(String topic, AclOperation operation) throws IOException {
        AclBinding binding = new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry(ALICE.toString(), "*", operation, AclPermissionType.ALLOW));
        control.store().change(() -> control.acls().create(List.of(binding)));
    }
}
