package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Configs as DescribeConfigs and CreateTopics present them: every key with the value in force,
 * where that value comes from, its synonyms and its type, sorted by name. Stateless.
 *
 * <p>Implementation notes: as in Kafka, an entry's source is the source of its first synonym. A
 * topic key's synonyms are its override (DYNAMIC_TOPIC_CONFIG, {@code TOPIC_CONFIG} in
 * kafka-clients), then the broker keys it inherits from: first those set in server.properties
 * (STATIC_BROKER_CONFIG), then those left at a non-null default (DEFAULT_CONFIG). There are no
 * dynamic broker configs, so every broker entry is read-only and no entry is sensitive.
 */
final class ConfigEntries {

    private ConfigEntries() {
    }

    /** One synonym: a key whose value may stand for the entry's. */
    record Synonym(String name, String value, ConfigSource source) {
    }

    /** One described config. */
    record Entry(String name, String value, ConfigSource source, boolean readOnly, ConfigType type,
            List<Synonym> synonyms) {
    }

    /** Every topic config of {@code config}: its override, or the broker's default. */
    static List<Entry> ofTopic(BrokerConfig broker, TopicConfig config) {
        Map<String, String> effective = config.effective();
        Map<String, String> overrides = config.overrides();
        List<Entry> entries = new ArrayList<>();
        for (String name : new TreeSet<>(effective.keySet())) {
            List<Synonym> synonyms = new ArrayList<>();
            if (overrides.containsKey(name)) {
                synonyms.add(new Synonym(name, overrides.get(name), ConfigSource.TOPIC_CONFIG));
            }
            synonyms.addAll(brokerSynonyms(broker, TopicConfig.brokerSynonyms(name)));
            entries.add(new Entry(name, effective.get(name), sourceOf(synonyms), false,
                    typeOf(TopicConfig.type(name)), synonyms));
        }
        return entries;
    }

    /** Every broker config: those the broker understands, and any other key server.properties set. */
    static List<Entry> ofBroker(BrokerConfig broker) {
        Map<String, String> effective = broker.effectiveBrokerConfigs();
        TreeSet<String> names = new TreeSet<>(effective.keySet());
        names.addAll(broker.originals().keySet());
        List<Entry> entries = new ArrayList<>();
        for (String name : names) {
            List<Synonym> synonyms = brokerSynonyms(broker, List.of(name));
            String value = broker.isExplicit(name) ? broker.originals().get(name) : effective.get(name);
            entries.add(new Entry(name, value, sourceOf(synonyms), true, typeOf(BrokerConfig.type(name)), synonyms));
        }
        return entries;
    }

    private static List<Synonym> brokerSynonyms(BrokerConfig broker, List<String> keys) {
        List<Synonym> synonyms = new ArrayList<>();
        for (String key : keys) {
            if (broker.isExplicit(key)) {
                synonyms.add(new Synonym(key, broker.originals().get(key), ConfigSource.STATIC_BROKER_CONFIG));
            }
        }
        Map<String, String> effective = broker.effectiveBrokerConfigs();
        for (String key : keys) {
            String value = effective.get(key);
            if (!broker.isExplicit(key) && value != null) {
                synonyms.add(new Synonym(key, value, ConfigSource.DEFAULT_CONFIG));
            }
        }
        return synonyms;
    }

    private static ConfigSource sourceOf(List<Synonym> synonyms) {
        return synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
    }

    private static ConfigType typeOf(ConfigDef.Type type) {
        if (type == null) {
            return ConfigType.UNKNOWN;
        }
        switch (type) {
            case BOOLEAN:
                return ConfigType.BOOLEAN;
            case STRING:
                return ConfigType.STRING;
            case INT:
                return ConfigType.INT;
            case SHORT:
                return ConfigType.SHORT;
            case LONG:
                return ConfigType.LONG;
            case DOUBLE:
                return ConfigType.DOUBLE;
            case LIST:
                return ConfigType.LIST;
            case CLASS:
                return ConfigType.CLASS;
            case PASSWORD:
                return ConfigType.PASSWORD;
            default:
                return ConfigType.UNKNOWN;
        }
    }
}
