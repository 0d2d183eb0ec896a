package io.surety.broker.metadata;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.log.FsyncLedger;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
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

    /** Durably removes a topic, then hides it. */
    public synchronized void remove(TopicInfo topic) throws IOException {
        store.remove(topic.name());
        byName.remove(topic.name());
        byId.remove(topic.id());
    }

    private void publish(TopicInfo topic) {
        byName.put(topic.name(), topic);
        byId.put(topic.id(), topic);
    }
}
