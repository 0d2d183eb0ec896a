package io.surety.bench;

import java.util.Map;

/**
 * One side of a comparison: a broker process of the run (named by {@code broker}) and the topic
 * configuration its topics get. Kafka's "fsync before ack" contender is the same Kafka process as
 * its page-cache one, with {@code flush.messages=1} on its topics (the per-topic form of
 * {@code log.flush.interval.messages=1}); Surety's flush policy is per broker, so its two
 * contenders are two processes. {@link #baselineOf} makes the contenders of an earlier Surety
 * build, for measuring a change of Surety against the build before it. Immutable.
 */
record Contender(String name, String broker, boolean kafka, Map<String, String> topicConfigs) {

    Contender {
        topicConfigs = Map.copyOf(topicConfigs);
    }

    static final String KAFKA_BROKER = "Kafka";
    static final String SURETY_INTERVAL_BROKER = "Surety interval";
    static final String SURETY_FSYNC_BROKER = "Surety fsync";

    static final Contender KAFKA = new Contender("Kafka", KAFKA_BROKER, true, Map.of());
    static final Contender KAFKA_FLUSH_EVERY_MESSAGE =
            new Contender("Kafka flush.messages=1", KAFKA_BROKER, true, Map.of("flush.messages", "1"));
    static final Contender SURETY_INTERVAL = new Contender("Surety interval", SURETY_INTERVAL_BROKER, false, Map.of());
    static final Contender SURETY_FSYNC = new Contender("Surety fsync", SURETY_FSYNC_BROKER, false, Map.of());

    /** An earlier Surety build with the flush policy of {@code candidate} (a Surety contender), named "<label> interval|fsync". */
    static Contender baselineOf(Contender candidate, String label) {
        String policy = candidate.broker().equals(SURETY_FSYNC_BROKER) ? "fsync" : "interval";
        String name = label + " " + policy;
        return new Contender(name, name, false, Map.of());
    }
}
