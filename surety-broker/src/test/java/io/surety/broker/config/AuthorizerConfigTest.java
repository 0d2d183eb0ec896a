package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AuthorizerConfigTest {

    private static final String STANDARD = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    @Test
    void shouldAuthorizeNothingWhenNoAuthorizerIsSet() {
        assertThat(BrokerConfig.of(Map.of()).authorizer().enabled()).isFalse();
        assertThat(BrokerConfig.of(Map.of("authorizer.class.name", " ")).authorizer().enabled()).isFalse();
    }

    @Test
    void shouldServeKafkasStandardAuthorizerWithItsSettings() {
        AuthorizerConfig config = BrokerConfig.of(Map.of("authorizer.class.name", STANDARD,
                "super.users", "User:admin;User:ops", "allow.everyone.if.no.acl.found", "true")).authorizer();

        assertThat(config).isEqualTo(new AuthorizerConfig(true, "User:admin;User:ops", true));
    }

    @Test
    void shouldRefuseAnyOtherAuthorizerNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("authorizer.class.name", "kafka.security.authorizer.AclAuthorizer")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("authorizer.class.name")
                .hasMessageContaining(STANDARD)
                .hasMessageNotContaining("\n");
    }

    @Test
    void shouldTakeAnAuthorizerInClusterModeToo() {
        BrokerConfig config = BrokerConfig.of(Map.of("node.id", "2", "process.roles", "broker,controller",
                "controller.quorum.voters", "1@10.0.0.1:9093,2@10.0.0.2:9093,3@10.0.0.3:9093",
                "listeners", "PLAINTEXT://10.0.0.2:9092,CONTROLLER://10.0.0.2:9093",
                "controller.listener.names", "CONTROLLER", "authorizer.class.name", STANDARD));
        assertThat(config.authorizer().enabled()).isTrue();
    }

    @Test
    void shouldWarnThatAResourceWithoutAclsIsOpenToEveryone() {
        BrokerConfig config = BrokerConfig.of(Map.of("authorizer.class.name", STANDARD,
                "allow.everyone.if.no.acl.found", "true"));

        assertThat(config.warnings()).anyMatch(line -> line.contains("'allow.everyone.if.no.acl.found'=true"));
    }
}
