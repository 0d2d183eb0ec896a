package io.surety.semantics;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka's three delivery guarantees, each with the producer and consumer settings that give it.
 *
 * <pre>{@code
 * Properties producer = Guarantee.AT_LEAST_ONCE.producerProperties(Map.of(
 *         "bootstrap.servers", "localhost:9092",
 *         "key.serializer", StringSerializer.class,
 *         "value.serializer", StringSerializer.class));
 * }</pre>
 *
 * <p><b>Merging.</b> The preset's settings are laid down first and the user's settings over them,
 * so the user's own value is always the one kept: nothing the user wrote is silently replaced. The
 * result is then checked with {@link ConfigCheck} for this guarantee. A setting that contradicts
 * the guarantee (say {@code acks=1} for at-least-once) is never quietly "fixed" either; the caller
 * chooses with {@link OnConflict}:
 * <ul>
 *   <li>{@link OnConflict#REJECT} (what {@link #producerProperties(Map)} and
 *       {@link #consumerProperties(Map)} use): any finding that breaks the guarantee throws a
 *       {@link GuaranteeConflictException} listing every finding.</li>
 *   <li>{@link OnConflict#ALLOW_WEAKER}: the user's values stay, and the findings come back with the
 *       settings in {@link MergedSettings#findings()}, for the caller to log or show.</li>
 * </ul>
 * Settings the client would refuse to start with (an invalid value, a missing or malformed
 * {@code bootstrap.servers}, {@code acks=0} with {@code enable.idempotence=true}) throw under
 * either choice: a weaker guarantee is a choice, a client that cannot start is not.
 *
 * <p>{@link #EXACTLY_ONCE} needs one input no preset can invent: the user's settings must contain
 * a {@code transactional.id} that is stable across restarts of the instance and unique among
 * running instances.
 *
 * <p>Immutable and thread-safe.
 */
public enum Guarantee {

    /** Records may be lost, never duplicated: fire-and-forget producer, commit before processing. */
    AT_MOST_ONCE("at-most-once",
            settings("acks", "0", "retries", "0", "enable.idempotence", "false"),
            settings("enable.auto.commit", "false", "auto.offset.reset", "latest")),

    /** Records are never lost, may be duplicated: acknowledged, retried sends, commit after processing. */
    AT_LEAST_ONCE("at-least-once",
            settings("acks", "all", "retries", String.valueOf(Integer.MAX_VALUE), "delivery.timeout.ms", "120000",
                    "enable.idempotence", "true", "max.in.flight.requests.per.connection", "5"),
            settings("enable.auto.commit", "false", "auto.offset.reset", "earliest")),

    /**
     * Neither lost nor duplicated: idempotent, transactional producer; offsets committed inside the
     * transaction; consumers read committed data only.
     */
    EXACTLY_ONCE("exactly-once",
            settings("acks", "all", "retries", String.valueOf(Integer.MAX_VALUE), "delivery.timeout.ms", "120000",
                    "enable.idempotence", "true", "max.in.flight.requests.per.connection", "5"),
            settings("enable.auto.commit", "false", "isolation.level", "read_committed",
                    "auto.offset.reset", "earliest"));

    private final String label;
    private final Map<String, String> producerPreset;
    private final Map<String, String> consumerPreset;

    Guarantee(String label, Map<String, String> producerPreset, Map<String, String> consumerPreset) {
        this.label = label;
        this.producerPreset = producerPreset;
        this.consumerPreset = consumerPreset;
    }

    /** {@code at-most-once}, {@code at-least-once} or {@code exactly-once}. */
    public String label() {
        return label;
    }

    /**
     * The guarantee named by {@code text}: its label ({@code at-least-once}) or constant name
     * ({@code AT_LEAST_ONCE}), in any case.
     *
     * @throws IllegalArgumentException naming the accepted values if {@code text} is none of them
     */
    public static Guarantee parse(String text) {
        String wanted = String.valueOf(text).trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Guarantee guarantee : values()) {
            if (guarantee.label.equals(wanted)) {
                return guarantee;
            }
        }
        throw new IllegalArgumentException("Unknown guarantee '" + text
                + "': expected at-most-once, at-least-once or exactly-once");
    }

    /** The producer settings this preset sets, in order (unmodifiable). */
    public Map<String, String> producerPreset() {
        return producerPreset;
    }

    /** The consumer settings this preset sets, in order (unmodifiable). */
    public Map<String, String> consumerPreset() {
        return consumerPreset;
    }

    /**
     * The preset's producer settings with {@code userSettings} over them, ready for
     * {@code new KafkaProducer<>(...)}.
     *
     * @throws GuaranteeConflictException if the result does not give this guarantee or the
     *                                    producer would refuse it
     */
    public Properties producerProperties(Map<?, ?> userSettings) {
        return mergeProducer(userSettings, OnConflict.REJECT).toProperties();
    }

    /**
     * The preset's consumer settings with {@code userSettings} over them, ready for
     * {@code new KafkaConsumer<>(...)}.
     *
     * @throws GuaranteeConflictException if the result does not give this guarantee or the
     *                                    consumer would refuse it
     */
    public Properties consumerProperties(Map<?, ?> userSettings) {
        return mergeConsumer(userSettings, OnConflict.REJECT).toProperties();
    }

    /**
     * A producer with {@link #producerProperties(Map)}: the preset, the user's settings over it,
     * checked; the caller closes it.
     *
     * @throws GuaranteeConflictException if the settings do not give this guarantee
     * @throws org.apache.kafka.common.KafkaException if the client cannot start (for example, no
     *         bootstrap address resolves)
     */
    public <K, V> Producer<K, V> newProducer(Map<?, ?> userSettings, Serializer<K> keySerializer,
            Serializer<V> valueSerializer) {
        return new KafkaProducer<>(producerProperties(userSettings), keySerializer, valueSerializer);
    }

    /**
     * A consumer with {@link #consumerProperties(Map)}: the preset, the user's settings over it,
     * checked; the caller (or the loop it is given to) closes it.
     *
     * @throws GuaranteeConflictException if the settings do not give this guarantee
     * @throws org.apache.kafka.common.KafkaException if the client cannot start
     */
    public <K, V> Consumer<K, V> newConsumer(Map<?, ?> userSettings, Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer) {
        return new KafkaConsumer<>(consumerProperties(userSettings), keyDeserializer, valueDeserializer);
    }

    /**
     * Merges the producer preset with {@code userSettings} and checks the result.
     *
     * @throws GuaranteeConflictException as described for {@link OnConflict}
     */
    public MergedSettings mergeProducer(Map<?, ?> userSettings, OnConflict onConflict) {
        return PresetMerge.merge(this, Side.PRODUCER, producerPreset, userSettings, onConflict);
    }

    /**
     * Merges the consumer preset with {@code userSettings} and checks the result.
     *
     * @throws GuaranteeConflictException as described for {@link OnConflict}
     */
    public MergedSettings mergeConsumer(Map<?, ?> userSettings, OnConflict onConflict) {
        return PresetMerge.merge(this, Side.CONSUMER, consumerPreset, userSettings, onConflict);
    }

    private static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
