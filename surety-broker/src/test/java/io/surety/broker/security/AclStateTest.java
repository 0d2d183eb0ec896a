package io.surety.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.AuthorizerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.metadata.AccessControlEntryRecord;
import org.apache.kafka.common.metadata.RemoveAccessControlEntryRecord;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclStateTest {

    @TempDir
    Path data;
    private AccessControl control;

    @BeforeEach
    void open() {
        control = AccessControlFixture.open(data, new AuthorizerConfig(true, "", false));
    }

    @AfterEach
    void close() {
        AccessControlFixture.close(control);
    }

    @Test
    void shouldRefuseWhatKafkaRefusesAndStoreTheRest() {
        List<ApiException> results = create(
                acl(ResourceType.CLUSTER, "my-cluster", PatternType.LITERAL, AclOperation.ALTER),
                acl(ResourceType.TOPIC, "", PatternType.LITERAL, AclOperation.READ),
                acl(ResourceType.UNKNOWN, "t", PatternType.LITERAL, AclOperation.READ),
                acl(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.ALTER));

        assertThat(results.subList(0, 3)).allSatisfy(error -> assertThat(error).isInstanceOf(InvalidRequestException.class));
        assertThat(results.get(0)).hasMessage("The only valid name for the CLUSTER resource is kafka-cluster");
        assertThat(results.get(1)).hasMessage("Invalid empty resource name");
        assertThat(results.get(3)).isNull();
        assertThat(control.acls().snapshot()).hasSize(1);
    }

    @Test
    void shouldKeepOneCopyOfIdenticalAcls() {
        AclBinding read = acl(ResourceType.TOPIC, "t", PatternType.LITERAL, AclOperation.READ);

        assertThat(create(read, read)).containsExactly(null, null);
        assertThat(create(read)).containsExactly((ApiException) null);
        assertThat(control.acls().snapshot()).hasSize(1);
    }

    @Test
    void shouldDeleteWhatEachFilterMatchesOnce() {
        AclBinding read = acl(ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.READ);
        AclBinding write = acl(ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.WRITE);
        create(read, write);
        AclBindingFilter everything = AclBindingFilter.ANY;
        AclBindingFilter reads = new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(null, null, AclOperation.READ, AclPermissionType.ANY));

        SecurityChange<List<List<AclBinding>>> change = control.acls().delete(List.of(everything, reads));

        assertThat(change.answer().get(0)).containsExactlyInAnyOrder(read, write);
        assertThat(change.answer().get(1)).containsExactly(read);
        assertThat(change.records()).hasSize(2)
                .allSatisfy(record -> assertThat(record.message()).isInstanceOf(RemoveAccessControlEntryRecord.class));
    }

    @Test
    void shouldRebuildTheSameAclsFromItsSnapshot() throws IOException {
        create(acl(ResourceType.TOPIC, "orders-", PatternType.PREFIXED, AclOperation.READ),
                acl(ResourceType.GROUP, "g", PatternType.LITERAL, AclOperation.READ));
        List<ApiMessageAndVersion> snapshot = control.acls().snapshot();
        AclAuthorizer rebuilt = new AclAuthorizer(new AuthorizerConfig(true, "", false));
        try {
            AclState state = new AclState(Optional.of(rebuilt));
            snapshot.forEach(record -> state.replay(record.message()));

            assertThat(rebuilt.acls(AclBindingFilter.ANY))
                    .containsExactlyInAnyOrderElementsOf(control.authorizer().acls(AclBindingFilter.ANY));
            assertThat(snapshot).allSatisfy(record -> assertThat(record.message()).isInstanceOf(AccessControlEntryRecord.class));
        } finally {
            rebuilt.close();
        }
    }

    @Test
    void shouldFindItsAclsAgainAfterARestart() throws IOException {
        AclBinding read = acl(ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.READ);
        AclBinding write = acl(ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.WRITE);
        create(read, write);
        control.store().change(() -> control.acls().delete(List.of(write.toFilter())));
        AccessControlFixture.close(control);

        control = AccessControlFixture.open(data, new AuthorizerConfig(true, "", false));

        assertThat(control.authorizer().acls(AclBindingFilter.ANY)).containsExactly(read);
    }

    private List<ApiException> create(AclBinding... bindings) {
        try {
            return control.store().change(() -> control.acls().create(List.of(bindings)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:alice", "*", operation, AclPermissionType.ALLOW));
    }
}
