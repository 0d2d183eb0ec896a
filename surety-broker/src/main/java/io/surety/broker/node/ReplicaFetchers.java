package io.surety.broker.node;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.config.FlushPolicy;
import io.surety.broker.config.ReplicationConfig;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.replication.BrokerEndpoint;
import io.surety.broker.replication.FetchStart;
import io.surety.broker.replication.FollowerFlush;
import io.surety.broker.replication.PeerRequests;
import io.surety.broker.replication.ReplicaFetcher;
import io.surety.broker.replication.ReplicaFetcherRunner;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower side of this node: one {@link ReplicaFetcher}, on its own thread, per broker this node
 * copies from, created when the first partition follows that broker and stopped when the last one
 * leaves it. {@link ReplicaRoles} says which leader each followed partition has.
 *
 * <p>Threading: {@link #follow} and {@link #stopFollowing} on the metadata-publisher thread (one at a
 * time; the maps below are that thread's), {@link #close} at shutdown.
 */
final class ReplicaFetchers implements FollowerFetching {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetchers.class);

    private final int nodeId;
    private final String interBrokerListener;
    private final LongSupplier brokerEpoch;
    private final Supplier<ClusterImage> image;
    private final PartitionRegistry partitions;
    private final PeerRequests peers;
    private final ReplicationConfig config;
    private final FlushPolicy flushPolicy;
    private final FollowerFlush flush;
    private final Map<Integer, Source> sources = new HashMap<>();
    private final Map<TopicPartition, Followed> followed = new HashMap<>();

    private record Source(ReplicaFetcher fetcher, ReplicaFetcherRunner runner, Thread thread) {
    }

    private record Followed(int leaderId, int leaderEpoch) {
    }

    ReplicaFetchers(int nodeId, String interBrokerListener, LongSupplier brokerEpoch, Supplier<ClusterImage> image,
                    PartitionRegistry partitions, PeerRequests peers, ReplicationConfig config, FlushPolicy flushPolicy,
                    FollowerFlush flush) {
        this.nodeId = nodeId;
        this.interBrokerListener = interBrokerListener;
        this.brokerEpoch = brokerEpoch;
        this.image = image;
        this.partitions = partitions;
        this.peers = peers;
        this.config = config;
        this.flushPolicy = flushPolicy;
        this.flush = flush;
    }

    @Override
    public void follow(TopicPartition tp, int leaderId, int leaderEpoch) {
        Followed wanted = new Followed(leaderId, leaderEpoch);
        Followed current = followed.get(tp);
        if (wanted.equals(current)) {
            return;
        }
        Partition partition = partitions.get(tp);
        Optional<BrokerEndpoint> endpoint = endpointOf(leaderId);
        if (partition == null || endpoint.isEmpty()) {
            LOG.warn("Node {} cannot follow {} from broker {}: {}", nodeId, tp, leaderId,
                    partition == null ? "no local replica" : "the leader has no " + interBrokerListener + " listener");
            return;
        }
        stopFollowing(tp);
        followed.put(tp, wanted);
        sources.computeIfAbsent(leaderId, id -> start(endpoint.get())).fetcher
                .addPartitions(Map.of(tp, new FetchStart(partition, leaderEpoch)));
    }

    @Override
    public void stopFollowing(TopicPartition tp) {
        Followed was = followed.remove(tp);
        if (was == null) {
            return;
        }
        Source source = sources.get(was.leaderId);
        if (source == null) {
            return;
        }
        source.fetcher.removePartitions(Set.of(tp));
        if (followed.values().stream().noneMatch(f -> f.leaderId == was.leaderId)) {
            sources.remove(was.leaderId);
            source.runner.stop();
        }
    }

    void close() {
        sources.values().forEach(source -> source.runner.stop());
        for (Source source : sources.values()) {
            try {
                source.thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sources.clear();
    }

    private Source start(BrokerEndpoint leader) {
        ReplicaFetcherRunner runner = new ReplicaFetcherRunner(ClusterNode::monotonicMs);
        ReplicaFetcher fetcher = new ReplicaFetcher(nodeId, brokerEpoch, leader, peers, config, flushPolicy, flush,
                runner::signal);
        runner.drive(fetcher);
        Thread thread = new Thread(runner, "surety-replica-fetcher-" + nodeId + "-from-" + leader.nodeId());
        thread.setDaemon(true);
        thread.start();
        LOG.info("Node {} fetches from {}", nodeId, leader);
        return new Source(fetcher, runner, thread);
    }

    private Optional<BrokerEndpoint> endpointOf(int brokerId) {
        BrokerRegistration broker = image.get().broker(brokerId);
        if (broker == null) {
            return Optional.empty();
        }
        return broker.endpoints().stream()
                .filter(e -> e.name().equals(interBrokerListener))
                .findFirst()
                .map(e -> new BrokerEndpoint(brokerId, e.host(), e.port()));
    }
}
