package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admin's "include authorized operations" as Kafka answers it without an authorizer: every
 * operation of the resource type when asked, nothing when not. Kafka's own tools and UIs read it to
 * decide what to offer.
 */
class AuthorizedOperationsIT {

    private static final Set<AclOperation> TOPIC = Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE,
            AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS);
    private static final Set<AclOperation> GROUP = Set.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE,
            AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    private static final Set<AclOperation> CLUSTER = Set.of(AclOperation.CREATE, AclOperation.CLUSTER_ACTION,
            AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER,
            AclOperation.DESCRIBE);

    private SuretyBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = SuretyBroker.builder().tempDataDir().start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic("ops", 1, (short) 1))).all().get();
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void shouldReportEveryOperationOfClusterTopicAndGroupWhenAsked() throws Exception {
        assertThat(admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                .authorizedOperations().get()).containsExactlyInAnyOrderElementsOf(CLUSTER);
        assertThat(admin.describeTopics(List.of("ops"), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .allTopicNames().get().get("ops").authorizedOperations()).containsExactlyInAnyOrderElementsOf(TOPIC);

        try (KafkaConsumer<String, String> member = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "readers"),
                new StringDeserializer(), new StringDeserializer())) {
            member.subscribe(List.of("ops"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("readers"),
                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).all().get().get("readers");
            assertThat(group.authorizedOperations()).containsExactlyInAnyOrderElementsOf(GROUP);
        }
    }

    @Test
    void shouldReportNoneWhenNotAsked() throws Exception {
        assertThat(admin.describeCluster().authorizedOperations().get()).isNull();
        assertThat(admin.describeTopics(List.of("ops")).allTopicNames().get().get("ops").authorizedOperations()).isNull();
    }
}
