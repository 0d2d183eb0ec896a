package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.AuthorizerConfig;
import io.surety.broker.security.AccessControl;
import io.surety.broker.security.AccessControlFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclHandlersTest {

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
    void shouldAnswerSecurityDisabledWithoutAnAuthorizer() {
        CreateAclsResponseData created = (CreateAclsResponseData) send(new CreateAclsHandler(Optional.empty(), Optional.empty()),
                createAcls(creation(ResourceType.TOPIC, "t", PatternType.LITERAL)));
        DescribeAclsResponseData described = (DescribeAclsResponseData) send(new DescribeAclsHandler(Optional.empty()),
                new DescribeAclsRequest.Builder(AclBindingFilter.ANY).build((short) 3));

        assertThat(created.results()).singleElement().satisfies(result -> {
            assertThat(result.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code());
            assertThat(result.errorMessage()).isEqualTo("No Authorizer is configured.");
        });
        assertThat(described.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code());
    }

    @Test
    void shouldRefuseAWildcardPatternOnCreateAloneAndCreateTheRest() {
        CreateAclsResponseData created = (CreateAclsResponseData) send(new CreateAclsHandler(Optional.of(control), Optional.empty()),
                createAcls(creation(ResourceType.TOPIC, "t", PatternType.MATCH),
                        creation(ResourceType.TOPIC, "t", PatternType.ANY),
                        creation(ResourceType.TOPIC, "t", PatternType.PREFIXED)));

        assertThat(created.results()).extracting(CreateAclsResponseData.AclCreationResult::errorCode)
                .containsExactly(Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.NONE.code());
        DescribeAclsResponseData described = (DescribeAclsResponseData) send(new DescribeAclsHandler(Optional.of(control)),
                new DescribeAclsRequest.Builder(AclBindingFilter.ANY).build((short) 3));
        assertThat(described.resources()).singleElement().satisfies(resource -> {
            assertThat(resource.patternType()).isEqualTo(PatternType.PREFIXED.code());
            assertThat(resource.acls()).hasSize(1);
        });
    }

    private static Object send(ApiHandler handler, AbstractRequest body) {
        return ((ApiResponse.Send) handler.handle(HandlerFixture.request(body)).join()).body();
    }

    private static CreateAclsRequest createAcls(AclCreation... creations) {
        return new CreateAclsRequest.Builder(new CreateAclsRequestData().setCreations(List.of(creations))).build((short) 3);
    }

    private static AclCreation creation(ResourceType type, String name, PatternType pattern) {
        return new AclCreation().setResourceType(type.code()).setResourceName(name).setResourcePatternType(pattern.code())
                .setPrincipal("User:alice").setHost("*").setOperation(AclOperation.READ.code())
                .setPermissionType(AclPermissionType.ALLOW.code());
    }
}
