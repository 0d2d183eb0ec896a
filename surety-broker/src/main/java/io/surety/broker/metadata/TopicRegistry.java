package io.surety.broker.metadata;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.log.FsyncLedger;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;

/**
 * The topics of this cluster, by name and by id, persisted through {@link TopicStore}.
 *
 * <p>Thread-safe: reads are lock-free; changes are made one at a time by the topic operations,
 * which also create and remove the partitions, and are published only after they are durable.
 */
public final class TopicRegistry {

    private final TopicStore store;
    private final Map<String, TopicInfo> byName = new ConcurrentHashMap<>();
    private final Map<Uuid, TopicInfo> byId = new ConcurrentHashMap<>();

    private TopicRegistry(TopicStore store) {
        this.store = store;
    }

    public static TopicRegistry load(Path dataDir, BrokerConfig broker, FsyncLedger ledger) throws IOException {
        TopicRegistry registry = new TopicRegistry(new TopicStore(dataDir, ledger));
        for (TopicInfo topic : registry.store.loadAll(broker)) {
            registry.publish(topic);
        }
        return registry;
    }

    public TopicInfo get(String name) {
        return byName.get(name);
    }

    public TopicInfo get(Uuid id) {
        return byId.get(id);
    }

    public Collection<TopicInfo> all() {
        return byName.values();
    }

    /** Durably records a new or changed topic, then makes it visible. */
    public synchronized void put(TopicInfo topic) throws IOException {
        store.write(topic);
        publish(topic);
    }

    /**
     * Durably records a new or grown topic, then runs {@code beforeVisible} (which creates its
     * partitions), then makes it visible: the definition is the commit point, so a crash in
     * between leaves a topic whose missing partition directories the next start creates, never a
     * directory of no topic. Clients see the topic only once its partitions exist.
     */
    public synchronized void put(TopicInfo topic, PartitionCreation beforeVisible) throws IOException {
        store.write(topic);
        beforeVisible.run();
        publish(topic);
    }

    /** Creates a topic's partitions; may fail with an I/O error. */
    @FunctionalInterface
    public interface PartitionCreation {
        void run() throws IOException;
    }

    /**
     * Durably records that {@code topic} is deleted, then hides it; its partitions' data is removed
     * afterwards, and {@link #forgetDeleted} closes the record once it is gone.
     */
    public synchronized void remove(TopicInfo topic) throws IOException {
        store.markDeleting(topic);
        byName.remove(topic.name());
        byId.remove(topic.id());
    }

    /**
     * Durably drops {@code topic}'s definition and hides it, leaving no deletion to finish: for a
     * cluster node whose replicas of the topic are already gone or moved aside (it no longer hosts
     * any of them, or they are strays).
     */
    public synchronized void forget(TopicInfo topic) throws IOException {
        remove(topic);
        store.forgetDeleted(new DeletedTopic(topic.name(), topic.id(), topic.partitionCount()));
    }

    /** Deletions recorded by {@link #remove} whose data may not be gone yet (a stop or crash came first). */
    public synchronized List<DeletedTopic> pendingDeletes() throws IOException {
        return store.pendingDeletes();
    }

    /** Closes the record of a deletion whose data is gone. */
    public synchronized void forgetDeleted(DeletedTopic topic) throws IOException {
        store.forgetDeleted(topic);
    }

    /** The data directory entry that holds the topic definitions. */
    public static String directoryName() {
        return TopicStore.DIRECTORY;
    }

    private synchronized void publish(TopicInfo topic) {
        byName.put(topic.name(), topic);
        byId.put(topic.id(), topic);
    }
}
