package io.surety.semantics;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What each guarantee needs from a producer, as findings in plain words.
 *
 * <p>Stateless.
 */
final class ProducerRules {

    private static final String ACKS = ProducerConfig.ACKS_CONFIG;
    private static final String RETRIES = ProducerConfig.RETRIES_CONFIG;
    private static final String IDEMPOTENCE = ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG;
    private static final String IN_FLIGHT = ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION;
    private static final String TRANSACTIONAL_ID = ProducerConfig.TRANSACTIONAL_ID_CONFIG;

    private ProducerRules() {
    }

    /** Every finding for {@code producer} when {@code wanted} is the goal, unsorted. */
    static List<Finding> check(ProducerView producer, Guarantee wanted) {
        List<Finding> findings = new ArrayList<>(producer.settings().problems());
        findings.addAll(producer.startupFindings());
        switch (wanted) {
            case AT_MOST_ONCE -> atMostOnce(producer, findings);
            case AT_LEAST_ONCE -> noLoss(producer, findings, wanted);
            case EXACTLY_ONCE -> {
                noLoss(producer, findings, wanted);
                transactions(producer, findings);
            }
        }
        reordering(producer, findings);
        return findings;
    }

    private static void atMostOnce(ProducerView p, List<Finding> out) {
        ClientSettings s = p.settings();
        if (p.acks() != 0 && p.retries() > 0 && !p.idempotence()) {
            out.add(new Finding(Side.PRODUCER, RETRIES, s.shown(RETRIES), Severity.BREAKS,
                    "When an acknowledgement is lost or late, the producer sends the batch again, and the broker may"
                            + " already have written the first copy: the record is stored twice. At-most-once must never"
                            + " duplicate.",
                    "Set retries=0 (with acks=0 for fire-and-forget), or enable.idempotence=true if you want retries"
                            + " without duplicates."));
        }
        boolean refusedAlready = p.idempotenceExplicit() && p.acks() != -1;
        if (p.idempotence() && !refusedAlready) {
            out.add(new Finding(Side.PRODUCER, IDEMPOTENCE, s.shown(IDEMPOTENCE), Severity.WARNING,
                    "The idempotent producer waits for acks=all and retries until delivery.timeout.ms: it never"
                            + " duplicates, but that is at-least-once delivery with its latency, not fire-and-forget.",
                    "For at-most-once set acks=0, retries=0 and enable.idempotence=false (Guarantee.AT_MOST_ONCE"
                            + " does); otherwise ask for at-least-once."));
        }
    }

    private static void noLoss(ProducerView p, List<Finding> out, Guarantee wanted) {
        ClientSettings s = p.settings();
        if (p.acks() == 0) {
            out.add(new Finding(Side.PRODUCER, ACKS, s.shown(ACKS), Severity.BREAKS,
                    "With acks=0 the producer does not wait for the broker: a record lost on the network or in a broker"
                            + " crash is never noticed, and retries never happen. " + wanted.label()
                            + " cannot promise no loss.",
                    "Set acks=all."));
        } else if (p.acks() == 1) {
            out.add(new Finding(Side.PRODUCER, ACKS, s.shown(ACKS), Severity.BREAKS,
                    "With acks=1 only the partition leader has the record when it acknowledges. If the leader fails"
                            + " before its followers copy it, a new leader takes over without the record: an"
                            + " acknowledged record is lost.",
                    "Set acks=all (and min.insync.replicas of 2 or more on the topic)."));
        } else if (p.retries() == 0) {
            out.add(new Finding(Side.PRODUCER, RETRIES, s.shown(RETRIES), Severity.BREAKS,
                    "acks=all makes the producer wait for the write, but with retries=0 a transient error (a leader"
                            + " change, a timeout) fails the record instead of sending it again: unless your send"
                            + " callback re-sends it, it is lost.",
                    "Remove retries (the default retries until delivery.timeout.ms) or set it above 0."));
        }
    }

    private static void transactions(ProducerView p, List<Finding> out) {
        ClientSettings s = p.settings();
        if (p.transactionalId().isEmpty()) {
            out.add(new Finding(Side.PRODUCER, TRANSACTIONAL_ID, s.shown(TRANSACTIONAL_ID), Severity.BREAKS,
                    "Without a transactional.id the producer cannot run transactions, so its output records and the"
                            + " consumer's offsets cannot be committed together: a crash between the two either"
                            + " repeats output or loses input.",
                    "Set transactional.id to a name that is stable across restarts of this instance and unique"
                            + " among running instances (e.g. application name + instance number)."));
            if (!p.idempotence()) {
                out.add(new Finding(Side.PRODUCER, IDEMPOTENCE, p.shownIdempotence(), Severity.BREAKS,
                        "Exactly-once needs the idempotent producer; these settings turn it off, so a retried batch"
                                + " can be written twice.",
                        "Set enable.idempotence=true with acks=all, retries above 0 and at most 5 requests in flight."));
            }
        }
    }

    private static void reordering(ProducerView p, List<Finding> out) {
        if (p.maxInFlight() > 1 && p.retries() > 0 && !p.idempotence() && p.acks() != 0) {
            ClientSettings s = p.settings();
            out.add(new Finding(Side.PRODUCER, IN_FLIGHT, s.shown(IN_FLIGHT), Severity.WARNING,
                    "With " + p.maxInFlight() + " requests in flight, retries, and idempotence off ("
                            + IDEMPOTENCE + "=" + p.shownIdempotence() + "), a batch that fails"
                            + " and is retried can be written after a later batch: records of one partition change"
                            + " order.",
                    "Turn idempotence on (it keeps order with up to 5 in flight), or set " + IN_FLIGHT
                            + "=1 if order matters and idempotence must stay off."));
        }
    }
}
