package io.surety.check.workload;

import io.surety.semantics.Finding;
import io.surety.semantics.Guarantee;
import io.surety.semantics.MergedSettings;
import io.surety.semantics.OnConflict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The client settings of each guarantee's workload: the guarantee's preset from surety-semantics,
 * the user's own settings laid over it (kept even where they weaken the guarantee — measuring what
 * they really deliver is the point — and reported as findings), and what the check itself must
 * own: the address (the fault proxy), group and transactional ids unique to the run.
 */
public final class WorkloadSettings {

    /** The check's defaults where the user did not choose: a crashed member is noticed within a run. */
    private static final Map<String, String> CONSUMER_DEFAULTS = Map.of(
            "session.timeout.ms", "10000",
            "heartbeat.interval.ms", "1000");

    private final Map<String, String> userProducer;
    private final Map<String, String> userConsumer;
    private final String bootstrapServers;
    private final String runId;
    private final List<String> findings = new ArrayList<>();

    public WorkloadSettings(Map<String, String> userProducer, Map<String, String> userConsumer,
                            String bootstrapServers, String runId) {
        this.userProducer = Map.copyOf(userProducer);
        this.userConsumer = Map.copyOf(userConsumer);
        this.bootstrapServers = bootstrapServers;
        this.runId = runId;
    }

    public String topic(Guarantee guarantee) {
        return "surety-check-" + runId + "-" + guarantee.label();
    }

    /** Exactly-once only: where the copier writes. */
    public String outputTopic() {
        return topic(Guarantee.EXACTLY_ONCE) + "-out";
    }

    /** The topic of the acks=1 row of a cluster run. */
    public String acks1Topic() {
        return "surety-check-" + runId + "-acks1";
    }

    /**
     * The acks=1 row's producer: the user's settings, then what makes the row — acknowledged by the
     * leader alone ({@code acks=1}, so not idempotent), retried like at-least-once.
     */
    public Properties acks1Producer() {
        Map<String, String> settings = new LinkedHashMap<>(userProducer);
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("acks", "1");
        settings.put("enable.idempotence", "false");
        settings.put("retries", String.valueOf(Integer.MAX_VALUE));
        settings.put("delivery.timeout.ms", "120000");
        Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }

    public String group(Guarantee guarantee) {
        return topic(guarantee) + "-group";
    }

    public Properties producer(Guarantee guarantee) {
        Map<String, String> settings = new LinkedHashMap<>(userProducer);
        settings.put("bootstrap.servers", bootstrapServers);
        if (guarantee == Guarantee.EXACTLY_ONCE) {
            settings.put("transactional.id", topic(guarantee) + "-producer");
        }
        return merge(guarantee.mergeProducer(settings, OnConflict.ALLOW_WEAKER), guarantee, "producer");
    }

    public Properties consumer(Guarantee guarantee) {
        Map<String, String> settings = new LinkedHashMap<>(CONSUMER_DEFAULTS);
        settings.putAll(userConsumer);
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("group.id", group(guarantee));
        return merge(guarantee.mergeConsumer(settings, OnConflict.ALLOW_WEAKER), guarantee, "consumer");
    }

    /** The exactly-once copier's transactional producer. */
    public Properties copierProducer() {
        Map<String, String> settings = new LinkedHashMap<>(userProducer);
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("transactional.id", topic(Guarantee.EXACTLY_ONCE) + "-copier");
        return merge(Guarantee.EXACTLY_ONCE.mergeProducer(settings, OnConflict.ALLOW_WEAKER),
                Guarantee.EXACTLY_ONCE, "copier producer");
    }

    /** What the user's settings change about each guarantee, one sentence each. */
    public synchronized List<String> findings() {
        return List.copyOf(findings);
    }

    private synchronized Properties merge(MergedSettings merged, Guarantee guarantee, String side) {
        for (Finding finding : merged.findings()) {
            if (finding.failsGuarantee()) {
                findings.add(guarantee.label() + " " + side + ": " + finding.describe());
            }
        }
        return merged.toProperties();
    }
}
