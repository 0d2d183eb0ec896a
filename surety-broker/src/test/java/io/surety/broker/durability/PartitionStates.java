package io.surety.broker.durability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * What a cluster's clients are told about partitions (leader, replicas, ISR) and about the
 * metadata quorum; and topic creation. Each question goes to one node at a time, through an Admin
 * client bootstrapped from that node alone, starting with the node after the one asked last; a node
 * that does not answer within {@value #TIMEOUT_MS} ms is skipped and its client replaced. So a frozen
 * node (SIGSTOP: its sockets still accept connections, nothing answers) costs one timeout per
 * question rather than every question, as a single client stuck on its connection to it would. An
 * answer may lag the controller briefly: callers poll.
 *
 * <p>Thread-safety: for the test thread only.
 */
final class PartitionStates implements AutoCloseable {

    /** One partition as described: {@code leader} is -1 while it has none. */
    record State(int leader, List<Integer> replicas, List<Integer> isr) {
    }

    private interface Question<T> {
        T ask(Admin admin) throws ExecutionException, InterruptedException, TimeoutException;
    }

    private static final long TIMEOUT_MS = 3_000;

    private final List<String> nodes;
    private final List<Admin> admins = new ArrayList<>();
    private int next;

    /** @param bootstrapServers every node's client address, comma-separated */
    PartitionStates(String bootstrapServers) {
        this.nodes = Arrays.stream(bootstrapServers.split(",")).map(String::trim).toList();
        nodes.forEach(node -> admins.add(null));
    }

    /** Creates {@code topic}; fails if the cluster refuses (for example while brokers are still registering). */
    void createTopic(String topic, int partitions, short replicationFactor, Map<String, String> configs)
            throws ExecutionException, InterruptedException, TimeoutException {
        ask(admin -> admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs)))
                .all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }

    /**
     * Returns once every partition's leader answers ListOffsets for it; fails otherwise. A topic's
     * leaders are named to clients as soon as the controller commits it, a moment before each
     * leader has taken its partition up; a burst of pipelined sends in that moment may have its
     * first batches refused and later ones taken, which an idempotent producer can never repair.
     */
    void requireLeadersServe(String topic, int partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        ask(admin -> admin.listOffsets(latest).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }

    /** The partition {@code partition} of {@code topic} as a node describes it now. */
    State of(String topic, int partition) throws ExecutionException, InterruptedException, TimeoutException {
        TopicDescription description = ask(admin -> admin.describeTopics(List.of(topic)).allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic));
        TopicPartitionInfo info = description.partitions().get(partition);
        Node leader = info.leader();
        return new State(leader == null || leader.isEmpty() ? -1 : leader.id(), ids(info.replicas()), ids(info.isr()));
    }

    /** The node leading the metadata quorum, so running the controller, as a node describes it now (DescribeQuorum). */
    int quorumLeader() throws ExecutionException, InterruptedException, TimeoutException {
        return ask(admin -> admin.describeMetadataQuorum().quorumInfo().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).leaderId());
    }

    /** Asks the nodes in turn until one answers; throws the last node's failure when none does. */
    private <T> T ask(Question<T> question) throws ExecutionException, InterruptedException, TimeoutException {
        Exception last = null;
        for (int tried = 0; tried < nodes.size(); tried++) {
            int node = next;
            next = (next + 1) % nodes.size();
            try {
                return question.ask(admin(node));
            } catch (ExecutionException | TimeoutException e) {
                last = e;
                replace(node);
            }
        }
        if (last instanceof ExecutionException e) {
            throw e;
        }
        throw (TimeoutException) last;
    }

    private Admin admin(int node) {
        if (admins.get(node) == null) {
            admins.set(node, Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, nodes.get(node),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500)));
        }
        return admins.get(node);
    }

    private void replace(int node) {
        Admin stuck = admins.set(node, null);
        if (stuck != null) {
            stuck.close(Duration.ZERO);
        }
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    @Override
    public void close() {
        for (int node = 0; node < admins.size(); node++) {
            replace(node);
        }
    }
}
