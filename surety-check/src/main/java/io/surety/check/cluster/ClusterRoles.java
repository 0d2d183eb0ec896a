package io.surety.check.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Who leads what in a cluster right now, as clients are told: each partition's leader and ISR
 * (Metadata), the metadata quorum's leader — the active controller (DescribeQuorum) — and a group's
 * coordinator, the coordinator quorum group's leader (FindCoordinator). Asked over the nodes' direct
 * listeners, so a proxy fault does not hide the answer.
 *
 * <p>Thread-safe (the admin client is); owns its admin client.
 */
public final class ClusterRoles implements AutoCloseable {

    private static final long ASK_TIMEOUT_MS = 5_000;

    private final Admin admin;

    public ClusterRoles(String bootstrapServers) {
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers, "client.id", "surety-check-roles",
                "request.timeout.ms", "3000", "default.api.timeout.ms", String.valueOf(ASK_TIMEOUT_MS),
                "metadata.max.age.ms", "500"));
    }

    /** One partition's leader (-1 when none) and in-sync replicas, by node id. */
    public record PartitionRoles(int leader, List<Integer> replicas, List<Integer> isr) {
    }

    /** Each partition of {@code topic}, by partition number. */
    public Map<Integer, PartitionRoles> partitions(String topic) {
        TopicDescription description = ask(() -> admin.describeTopics(List.of(topic)).allTopicNames()
                .get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic));
        Map<Integer, PartitionRoles> roles = new TreeMap<>();
        for (TopicPartitionInfo partition : description.partitions()) {
            Node leader = partition.leader();
            roles.put(partition.partition(), new PartitionRoles(leader == null || leader.isEmpty() ? -1 : leader.id(),
                    partition.replicas().stream().map(Node::id).toList(),
                    partition.isr().stream().map(Node::id).toList()));
        }
        return roles;
    }

    /** The metadata quorum's leader: the active controller. */
    public int controller() {
        return ask(() -> admin.describeMetadataQuorum().quorumInfo().get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .leaderId());
    }

    /** The node FindCoordinator names for {@code group}: the coordinator quorum group's leader. */
    public int coordinator(String group) {
        return ask(() -> admin.describeConsumerGroups(List.of(group)).all().get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .get(group).coordinator().id());
    }

    /**
     * A one-line picture for the fault timeline, e.g. "leaders of topic p0 2, p1 3, p2 1 (ISRs full);
     * controller 1; coordinator 3"; an ISR that is not full is listed.
     */
    public String describe(String topic, String group) {
        StringBuilder text = new StringBuilder("leaders");
        try {
            StringBuilder shrunk = new StringBuilder();
            partitions(topic).forEach((partition, roles) -> {
                text.append(partition == 0 ? " p" : ", p").append(partition).append(' ')
                        .append(roles.leader() < 0 ? "none" : Integer.toString(roles.leader()));
                if (roles.isr().size() < roles.replicas().size()) {
                    shrunk.append(shrunk.length() == 0 ? "" : ", ").append("p").append(partition).append(" ISR ")
                            .append(roles.isr());
                }
            });
            text.append(shrunk.length() == 0 ? " (ISRs full)" : " (" + shrunk + ")");
        } catch (IllegalStateException e) {
            text.append(" unknown");
        }
        text.append("; controller ").append(orUnknown(this::controller));
        text.append("; coordinator ").append(orUnknown(() -> coordinator(group)));
        return text.toString();
    }

    private static String orUnknown(Question<Integer> question) {
        try {
            return Integer.toString(question.ask());
        } catch (Exception e) {
            return "unknown";
        }
    }

    private interface Question<T> {
        T ask() throws ExecutionException, InterruptedException, TimeoutException;
    }

    private static <T> T ask(Question<T> question) {
        try {
            return question.ask();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the cluster did not say: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the cluster", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
