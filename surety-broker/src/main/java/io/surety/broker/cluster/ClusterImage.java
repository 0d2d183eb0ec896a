package io.surety.broker.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The cluster's replicated metadata after replaying every committed entry up to
 * {@link #appliedIndex()}: the cluster id, the registered brokers, the topics with their configs
 * and partitions, the next producer id, and the users and ACLs ({@link SecurityImage}). Immutable: replay makes a new image, so readers on
 * any thread may keep one as long as they like.
 *
 * <p>Two images are equal when they hold the same metadata at the same applied index, however
 * they were reached (every record from the start, or a snapshot and the records after it).
 */
public final class ClusterImage {

    /** The leader field of a partition that has no leader. */
    public static final int NO_LEADER = -1;

    /** The image before anything is committed. */
    public static final ClusterImage EMPTY = new ClusterImage(Optional.empty(), 0, Map.of(), Map.of(), 0,
            SecurityImage.EMPTY);

    private final Optional<String> clusterId;
    private final long appliedIndex;
    private final SortedMap<Integer, BrokerRegistration> brokers;
    private final Map<Uuid, TopicImage> topicsById;
    private final Map<String, TopicImage> topicsByName;
    private final long nextProducerId;
    private final SecurityImage security;

    ClusterImage(Optional<String> clusterId, long appliedIndex, Map<Integer, BrokerRegistration> brokers,
            Map<Uuid, TopicImage> topicsById, long nextProducerId, SecurityImage security) {
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.appliedIndex = appliedIndex;
        this.brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        this.topicsById = Collections.unmodifiableMap(new HashMap<>(topicsById));
        Map<String, TopicImage> byName = new TreeMap<>();
        topicsById.values().forEach(topic -> byName.put(topic.name(), topic));
        this.topicsByName = Collections.unmodifiableMap(byName);
        this.nextProducerId = nextProducerId;
        this.security = Objects.requireNonNull(security, "security");
    }

    /** The cluster id, empty until the first record is committed. */
    public Optional<String> clusterId() {
        return clusterId;
    }

    /** The log index of the last entry replayed into this image (0: none). */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** Every registered broker by id. */
    public SortedMap<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    /** The broker with {@code brokerId}, or null if none is registered. */
    public BrokerRegistration broker(int brokerId) {
        return brokers.get(brokerId);
    }

    /** Whether {@code brokerId} may lead or join an ISR (see {@link BrokerRegistration#eligible()}). */
    public boolean eligible(int brokerId) {
        BrokerRegistration broker = brokers.get(brokerId);
        return broker != null && broker.eligible();
    }

    /** Every topic by id. */
    public Map<Uuid, TopicImage> topicsById() {
        return topicsById;
    }

    /** Every topic by name, in name order. */
    public Map<String, TopicImage> topicsByName() {
        return topicsByName;
    }

    /** The topic with {@code id}, or null. */
    public TopicImage topic(Uuid id) {
        return topicsById.get(id);
    }

    /** The topic named {@code name}, or null. */
    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    /** The first producer id of the next block to hand out. */
    public long nextProducerId() {
        return nextProducerId;
    }

    /** The cluster's SCRAM users and ACLs. */
    public SecurityImage security() {
        return security;
    }

    /** Whether {@code brokerId} leads at least one partition. */
    public boolean leadsAnyPartition(int brokerId) {
        for (TopicImage topic : topicsById.values()) {
            for (PartitionState partition : topic.partitions().values()) {
                if (partition.leader() == brokerId) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Every partition, topics in name order, each topic's partitions in index order. */
    public List<PartitionRef> partitions() {
        List<PartitionRef> out = new ArrayList<>();
        for (TopicImage topic : topicsByName.values()) {
            topic.partitions().forEach((id, state) -> out.add(new PartitionRef(topic, id, state)));
        }
        return out;
    }

    /** One partition with the topic it belongs to. */
    public record PartitionRef(TopicImage topic, int partitionId, PartitionState state) {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterImage other && appliedIndex == other.appliedIndex
                && nextProducerId == other.nextProducerId && clusterId.equals(other.clusterId)
                && brokers.equals(other.brokers) && topicsById.equals(other.topicsById) && security.equals(other.security);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clusterId, appliedIndex, brokers, topicsById, nextProducerId, security);
    }

    @Override
    public String toString() {
        return "ClusterImage{clusterId=" + clusterId.orElse("none") + ", appliedIndex=" + appliedIndex + ", brokers="
                + brokers + ", topics=" + topicsByName + ", nextProducerId=" + nextProducerId + ", security=" + security + "}";
    }
}
