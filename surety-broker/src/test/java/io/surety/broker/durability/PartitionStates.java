package io.surety.broker.durability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * What a cluster's clients are told about partitions (leader, replicas, ISR), through an Admin
 * client on every node's address; and topic creation. Each question is answered by whichever node
 * the Admin client reaches, so an answer may lag the controller briefly: callers poll.
 *
 * <p>Thread-safe (the Admin client is).
 */
final class PartitionStates implements AutoCloseable {

    /** One partition as described: {@code leader} is -1 while it has none. */
    record State(int leader, List<Integer> replicas, List<Integer> isr) {
    }

    private static final long TIMEOUT_MS = 5_000;

    private final Admin admin;

    PartitionStates(String bootstrapServers) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
    }

    /** Creates {@code topic}; fails if the cluster refuses (for example while brokers are still registering). */
    void createTopic(String topic, int partitions, short replicationFactor, Map<String, String> configs)
            throws ExecutionException, InterruptedException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs))).all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** The partition {@code partition} of {@code topic} as a node describes it now. */
    State of(String topic, int partition) throws ExecutionException, InterruptedException, TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
        TopicPartitionInfo info = description.partitions().get(partition);
        Node leader = info.leader();
        return new State(leader == null || leader.isEmpty() ? -1 : leader.id(), ids(info.replicas()), ids(info.isr()));
    }

    /** The node leading the metadata quorum, so running the controller, as a node describes it now (DescribeQuorum). */
    int quorumLeader() throws ExecutionException, InterruptedException, TimeoutException {
        return admin.describeMetadataQuorum().quorumInfo().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).leaderId();
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    @Override
    public void close() {
        admin.close();
    }
}
