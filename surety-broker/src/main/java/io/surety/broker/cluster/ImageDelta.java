package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.AcceptBrokerDirectory;
import io.surety.broker.cluster.ClusterRecord.BrokerControlledShutdown;
import io.surety.broker.cluster.ClusterRecord.ClusterId;
import io.surety.broker.cluster.ClusterRecord.FenceBroker;
import io.surety.broker.cluster.ClusterRecord.Partition;
import io.surety.broker.cluster.ClusterRecord.PartitionChange;
import io.surety.broker.cluster.ClusterRecord.ProducerIds;
import io.surety.broker.cluster.ClusterRecord.RegisterBroker;
import io.surety.broker.cluster.ClusterRecord.RemoveTopic;
import io.surety.broker.cluster.ClusterRecord.Security;
import io.surety.broker.cluster.ClusterRecord.Topic;
import io.surety.broker.cluster.ClusterRecord.TopicConfig;
import io.surety.broker.cluster.ClusterRecord.UnfenceBroker;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The records of one entry applied on top of an image: mutable copies of what they touch, then
 * {@link #build} makes the next image. Owned by the caller of {@link ClusterStateMachine#replay}
 * for the duration of one entry.
 *
 * <p>Replay is mechanical and deterministic: it never decides, it applies. A record that does not
 * fit the image (a broker, topic or partition that does not exist, a stale broker epoch, metadata
 * before the cluster id, producer ids going backwards) means the log and this code disagree, so it
 * throws {@link IllegalStateException} naming the record instead of guessing, as Kafka's replay
 * does.
 *
 * <p>Implementation notes: topics are copied only when a record touches them, so an entry costs
 * the number of topics plus the partitions of the topics it changes, not the whole cluster.
 */
final class ImageDelta {

    private final ClusterImage base;
    private Optional<String> clusterId;
    private final Map<Integer, BrokerRegistration> brokers;
    private final Map<Uuid, TopicImage> topics;
    /** Topics touched by this entry: name, id, configs and partitions as mutable copies. */
    private final Map<Uuid, MutableTopic> changed = new HashMap<>();
    private long nextProducerId;
    private SecurityImage security;

    private static final class MutableTopic {
        final String name;
        final Uuid id;
        final Map<String, String> configs;
        final SortedMap<Integer, PartitionState> partitions;

        MutableTopic(TopicImage topic) {
            this(topic.name(), topic.id(), new TreeMap<>(topic.configs()), new TreeMap<>(topic.partitions()));
        }

        MutableTopic(String name, Uuid id, Map<String, String> configs, SortedMap<Integer, PartitionState> partitions) {
            this.name = name;
            this.id = id;
            this.configs = configs;
            this.partitions = partitions;
        }

        TopicImage toImage() {
            return new TopicImage(name, id, configs, partitions);
        }
    }

    ImageDelta(ClusterImage base) {
        this.base = base;
        this.clusterId = base.clusterId();
        this.brokers = new TreeMap<>(base.brokers());
        this.topics = new HashMap<>(base.topicsById());
        this.nextProducerId = base.nextProducerId();
        this.security = base.security();
    }

    /** Applies {@code record}, committed in the entry at {@code index}. */
    void apply(long index, ClusterRecord record) {
        if (record instanceof ClusterId r) {
            if (clusterId.isPresent() && !clusterId.get().equals(r.clusterId())) {
                throw fail(record, "the cluster id is already " + clusterId.get());
            }
            clusterId = Optional.of(r.clusterId());
            return;
        }
        if (clusterId.isEmpty()) {
            throw fail(record, "no cluster id has been committed yet");
        }
        if (record instanceof RegisterBroker r) {
            long epoch = r.brokerEpoch() == ClusterRecord.UNASSIGNED_EPOCH ? index : r.brokerEpoch();
            brokers.put(r.brokerId(), new BrokerRegistration(r.brokerId(), r.incarnationId(), epoch, r.directoryId(),
                    r.endpoints(), r.rack(), r.fenced(), r.inControlledShutdown(), r.directoryPendingReplace()));
        } else if (record instanceof FenceBroker r) {
            brokers.put(r.brokerId(), broker(record, r.brokerId(), r.brokerEpoch()).withFenced(true));
        } else if (record instanceof UnfenceBroker r) {
            brokers.put(r.brokerId(), broker(record, r.brokerId(), r.brokerEpoch()).withFenced(false));
        } else if (record instanceof BrokerControlledShutdown r) {
            brokers.put(r.brokerId(), broker(record, r.brokerId(), r.brokerEpoch()).withControlledShutdown());
        } else if (record instanceof AcceptBrokerDirectory r) {
            BrokerRegistration broker = broker(record, r.brokerId(), r.brokerEpoch());
            if (!broker.directoryId().equals(r.directoryId())) {
                throw fail(record, "broker " + r.brokerId() + " is registered with directory " + broker.directoryId());
            }
            brokers.put(r.brokerId(), broker.directoryAccepted());
        } else if (record instanceof Security r) {
            try {
                security = security.with(r.record().message());
            } catch (IllegalStateException e) {
                throw fail(record, e.getMessage());
            }
        } else {
            applyTopicRecord(record);
        }
    }

    private void applyTopicRecord(ClusterRecord record) {
        if (record instanceof Topic r) {
            boolean nameTaken = topics.values().stream().anyMatch(t -> t.name().equals(r.name()))
                    || changed.values().stream().anyMatch(t -> t.name.equals(r.name()));
            if (topics.containsKey(r.topicId()) || nameTaken) {
                throw fail(record, "the topic already exists");
            }
            MutableTopic topic = new MutableTopic(r.name(), r.topicId(), new TreeMap<>(), new TreeMap<>());
            changed.put(r.topicId(), topic);
            topics.put(r.topicId(), topic.toImage());
        } else if (record instanceof Partition r) {
            topic(record, r.topicId()).partitions.put(r.partitionId(), new PartitionState(r.replicas(), r.isr(),
                    r.leader(), r.leaderEpoch(), r.partitionEpoch(), r.leaderRecoveryState(), r.addingReplicas(),
                    r.removingReplicas()));
        } else if (record instanceof PartitionChange r) {
            MutableTopic topic = topic(record, r.topicId());
            PartitionState current = topic.partitions.get(r.partitionId());
            if (current == null) {
                throw fail(record, "no such partition");
            }
            topic.partitions.put(r.partitionId(), current.apply(r));
        } else if (record instanceof TopicConfig r) {
            MutableTopic topic = topic(record, r.topicId());
            r.value().ifPresentOrElse(v -> topic.configs.put(r.key(), v), () -> topic.configs.remove(r.key()));
        } else if (record instanceof RemoveTopic r) {
            topic(record, r.topicId());
            changed.remove(r.topicId());
            topics.remove(r.topicId());
        } else if (record instanceof ProducerIds r) {
            if (r.nextProducerId() <= nextProducerId) {
                throw fail(record, "the next producer id is already " + nextProducerId);
            }
            nextProducerId = r.nextProducerId();
        } else {
            throw fail(record, "unknown record kind");
        }
    }

    private BrokerRegistration broker(ClusterRecord record, int brokerId, long epoch) {
        BrokerRegistration broker = brokers.get(brokerId);
        if (broker == null || broker.brokerEpoch() != epoch) {
            throw fail(record, broker == null ? "no such broker" : "broker epoch is " + broker.brokerEpoch());
        }
        return broker;
    }

    private MutableTopic topic(ClusterRecord record, Uuid topicId) {
        MutableTopic topic = changed.get(topicId);
        if (topic == null) {
            TopicImage image = topics.get(topicId);
            if (image == null) {
                throw fail(record, "no such topic");
            }
            topic = new MutableTopic(image);
            changed.put(topicId, topic);
        }
        return topic;
    }

    private static IllegalStateException fail(ClusterRecord record, String why) {
        return new IllegalStateException("Cannot replay " + record + ": " + why);
    }

    /** The image after every record applied so far, at {@code index}. */
    ClusterImage build(long index) {
        if (index < base.appliedIndex()) {
            throw new IllegalStateException("Entry " + index + " is below the applied index " + base.appliedIndex());
        }
        changed.forEach((id, topic) -> topics.put(id, topic.toImage()));
        return new ClusterImage(clusterId, index, brokers, topics, nextProducerId, security);
    }
}
