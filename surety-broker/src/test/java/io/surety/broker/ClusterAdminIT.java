package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafka.admin.ConfigCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.LeaderElectionCommand;
import org.apache.kafka.tools.MetadataQuorumCommand;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka's Admin client and kafka-topics against three in-process nodes: every topic change goes
 * through the controller and every node then describes the same cluster from its committed
 * metadata (brokers, controller, replicas, ISR, leaders, configs).
 */
class ClusterAdminIT {

    private static final String TOPIC = "orders";

    @AfterEach
    void releaseExit() {
        Exit.resetExitProcedure();
    }

    @Test
    void shouldCreateDescribeAlterAndDeleteTopicsClusterWideWithTheAdminClient() throws Exception {
        try (SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .config("broker.heartbeat.interval.ms", "200").start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> liveBrokers(admin).size() == 3);
            DescribeClusterResult described = admin.describeCluster();
            assertThat(described.nodes().get()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(described.controller().get().id()).isIn(1, 2, 3);
            assertThat(described.clusterId().get()).isEqualTo(cluster.clusterId());

            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get();
            for (int node : cluster.nodeIds()) {
                try (Admin one = adminOf(cluster, node)) {
                    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertFullyReplicated(one, 3));
                }
            }

            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("too-wide", 1, (short) 4))).all().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidReplicationFactorException.class);

            admin.createPartitions(Map.of(TOPIC, NewPartitions.increaseTo(5))).all().get();
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertFullyReplicated(admin, 5));

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            try (Admin first = adminOf(cluster, 1)) {
                first.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                        new ConfigEntry("retention.ms", "123456"), AlterConfigOp.OpType.SET)))).all().get();
            }
            for (int node : cluster.nodeIds()) {
                try (Admin one = adminOf(cluster, node)) {
                    await().atMost(30, TimeUnit.SECONDS).until(() -> "123456".equals(
                            one.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms").value()));
                }
            }

            Map<TopicPartition, Optional<Throwable>> elected = admin.electLeaders(ElectionType.PREFERRED,
                    Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1))).partitions().get();
            assertThat(elected.values()).as("every leader is already the preferred replica")
                    .allSatisfy(outcome -> assertThat(outcome).containsInstanceOf(ElectionNotNeededException.class));

            admin.deleteTopics(List.of(TOPIC)).all().get();
            for (int node : cluster.nodeIds()) {
                try (Admin one = adminOf(cluster, node)) {
                    await().atMost(30, TimeUnit.SECONDS).until(() -> one.listTopics().names().get().isEmpty());
                }
            }
        }
    }

    @Test
    void shouldServeKafkaTopicsMetadataQuorumAndLeaderElectionTools() throws Exception {
        try (SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .config("broker.heartbeat.interval.ms", "200").start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> liveBrokers(admin).size() == 3);
            String bootstrap = cluster.bootstrapServers();

            String created = run("--bootstrap-server", bootstrap, "--create", "--topic", "cli", "--partitions", "2",
                    "--replication-factor", "3");
            assertThat(created).contains("Created topic cli.");
            await().atMost(30, TimeUnit.SECONDS).until(() -> admin.listTopics().names().get().contains("cli"));
            String describe = run("--bootstrap-server", bootstrap, "--describe", "--topic", "cli");

            assertThat(describe).contains("ReplicationFactor: 3");
            assertThat(describe).containsPattern("Partition: 0\\s+Leader: [123]\\s+Replicas: [123],[123],[123]"
                    + "\\s+Isr: [123],[123],[123]");
            assertThat(describe).containsPattern("Partition: 1\\s+Leader: [123]\\s+Replicas: [123],[123],[123]"
                    + "\\s+Isr: [123],[123],[123]");

            String quorum = run(MetadataQuorumCommand::main, "--bootstrap-server", bootstrap, "describe", "--status");
            Matcher leader = Pattern.compile("LeaderId:\\s+([123])\\b").matcher(quorum);
            assertThat(leader.find()).as("a voter leads: %s", quorum).isTrue();
            String controller = leader.group(1);
            assertThat(quorum).contains("ClusterId:")
                    .containsPattern("LeaderEpoch:\\s+[1-9]").containsPattern("HighWatermark:\\s+[1-9]")
                    .containsPattern("CurrentVoters:\\s+\\[.*\"id\":\\s*1\\b")
                    .containsPattern("CurrentVoters:\\s+\\[.*\"id\":\\s*2\\b")
                    .containsPattern("CurrentVoters:\\s+\\[.*\"id\":\\s*3\\b");
            String replication = run(MetadataQuorumCommand::main, "--bootstrap-server", bootstrap, "describe",
                    "--replication");
            assertThat(replication).containsPattern("(?m)^" + controller + "\\s.*\\sLeader\\s*$");
            assertThat(replication.lines().filter(line -> line.matches("\\d+\\s.*\\sFollower\\s*"))).hasSize(2);

            String election = run(LeaderElectionCommand::main, "--bootstrap-server", bootstrap, "--election-type",
                    "preferred", "--topic", "cli", "--partition", "0");
            assertThat(election).containsAnyOf("Valid replica already elected for partitions cli-0",
                    "Successfully completed leader election (PREFERRED) for partitions cli-0");
            String unclean = run(LeaderElectionCommand::main, "--bootstrap-server", bootstrap, "--election-type",
                    "unclean", "--topic", "cli", "--partition", "1");
            assertThat(unclean).as("a partition with a leader needs no unclean election")
                    .contains("Valid replica already elected for partitions cli-1");

            String altered = run(ConfigCommand::main, "--bootstrap-server", bootstrap, "--entity-type", "topics",
                    "--entity-name", "cli", "--alter", "--add-config", "retention.ms=4321000,min.insync.replicas=2");
            assertThat(altered).contains("Completed updating config for topic cli.");
            String configs = run(ConfigCommand::main, "--bootstrap-server", bootstrap, "--entity-type", "topics",
                    "--entity-name", "cli", "--describe");
            assertThat(configs).contains("retention.ms=4321000").contains("min.insync.replicas=2");
            for (int id : cluster.nodeIds()) {
                try (Admin one = adminOf(cluster, id)) {
                    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(one.describeConfigs(
                            List.of(new ConfigResource(ConfigResource.Type.TOPIC, "cli"))).all().get().values()
                            .iterator().next().get("retention.ms").value()).as("node %d", id).isEqualTo("4321000"));
                }
            }
        }
    }

    /** Every partition of the topic has 3 replicas, an ISR of all 3, and a leader in it. */
    private static void assertFullyReplicated(Admin admin, int partitions) throws Exception {
        TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
        assertThat(topic.partitions()).hasSize(partitions);
        for (TopicPartitionInfo partition : topic.partitions()) {
            assertThat(partition.replicas()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(partition.isr()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(partition.leader()).isNotNull();
            assertThat(partition.isr()).contains(partition.leader());
        }
    }

    private static Collection<Node> liveBrokers(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get();
    }

    /** An Admin client that bootstraps from node {@code nodeId} only. */
    private static Admin adminOf(SuretyCluster cluster, int nodeId) {
        return Admin.create(Map.of("bootstrap.servers", cluster.node(nodeId).orElseThrow().bootstrapServers()));
    }

    /**
     * Runs kafka-topics with {@code args}; returns what it printed, or fails if it exited non-zero.
     */
    private static String run(String... args) {
        return run(TopicCommand::main, args);
    }

    private static String run(Consumer<String[]> tool, String... args) {
        return KafkaToolMain.run(tool, args);
    }
}
