package io.surety.semantics;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * What each guarantee needs from a consumer, as findings in plain words. A configuration cannot
 * show when the application commits; these rules check what the settings decide, and the
 * processing loops ({@link AtMostOnceLoop}, {@link AtLeastOnceLoop}, {@link ExactlyOnceLoop})
 * decide the rest.
 *
 * <p>Stateless.
 */
final class ConsumerRules {

    private static final String GROUP_ID = ConsumerConfig.GROUP_ID_CONFIG;
    private static final String AUTO_COMMIT = ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG;
    private static final String OFFSET_RESET = ConsumerConfig.AUTO_OFFSET_RESET_CONFIG;
    private static final String ISOLATION = ConsumerConfig.ISOLATION_LEVEL_CONFIG;

    private ConsumerRules() {
    }

    /** Every finding for {@code consumer} when {@code wanted} is the goal, unsorted. */
    static List<Finding> check(ClientSettings consumer, Guarantee wanted) {
        List<Finding> findings = new ArrayList<>(consumer.problems());
        if (consumer.value(GROUP_ID).map(String::valueOf).filter(id -> !id.isBlank()).isEmpty()) {
            findings.add(new Finding(Side.CONSUMER, GROUP_ID, consumer.shown(GROUP_ID), Severity.BREAKS,
                    "Without group.id the consumer cannot commit offsets, so after a restart it cannot resume where"
                            + " processing stopped: it starts again wherever auto.offset.reset says.",
                    "Set group.id to a stable name for your application."));
        }
        if (consumer.booleanValue(AUTO_COMMIT)) {
            findings.add(autoCommit(consumer, wanted));
        }
        if (wanted != Guarantee.AT_MOST_ONCE) {
            String reset = consumer.stringValue(OFFSET_RESET);
            if (reset.equals("latest") || reset.startsWith("by_duration")) {
                findings.add(new Finding(Side.CONSUMER, OFFSET_RESET, consumer.shown(OFFSET_RESET), Severity.BREAKS,
                        "When the group has no committed offset (its first start, or after its offsets expired with"
                                + " offsets.retention.minutes) the consumer starts " + (reset.equals("latest")
                                ? "at the end of the log" : "at a point in time") + ": records written before that"
                                + " are skipped and never processed.",
                        "Set auto.offset.reset=earliest."));
            }
        }
        if (wanted == Guarantee.EXACTLY_ONCE && consumer.stringValue(ISOLATION).equals("read_uncommitted")) {
            findings.add(new Finding(Side.CONSUMER, ISOLATION, consumer.shown(ISOLATION), Severity.BREAKS,
                    "read_uncommitted also returns records of transactions that are still open or were aborted:"
                            + " the consumer processes output that officially never happened.",
                    "Set isolation.level=read_committed."));
        }
        return findings;
    }

    private static Finding autoCommit(ClientSettings consumer, Guarantee wanted) {
        String shown = consumer.shown(AUTO_COMMIT);
        String timing = "With auto-commit the consumer commits on its own schedule: during a later poll() once"
                + " auto.commit.interval.ms = " + consumer.shown(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG)
                + " has passed, and on close(). It commits the offsets of everything poll() returned, whether or not"
                + " your code has processed it.";
        return switch (wanted) {
            case AT_MOST_ONCE -> new Finding(Side.CONSUMER, AUTO_COMMIT, shown, Severity.BREAKS,
                    timing + " Records are processed first and committed later, so a crash after processing but"
                            + " before that commit delivers them again: they are processed twice. At-most-once must"
                            + " commit before processing.",
                    "Set enable.auto.commit=false and commit right after poll(), before processing (AtMostOnceLoop"
                            + " does).");
            case AT_LEAST_ONCE -> new Finding(Side.CONSUMER, AUTO_COMMIT, shown, Severity.BREAKS,
                    timing + " If records are processed on another thread, or the consumer is closed after a"
                            + " processing error, offsets of unprocessed records are committed and a restart skips"
                            + " them.",
                    "Set enable.auto.commit=false and commit after processing (AtLeastOnceLoop does).");
            case EXACTLY_ONCE -> new Finding(Side.CONSUMER, AUTO_COMMIT, shown, Severity.BREAKS,
                    timing + " Exactly-once must commit the offsets inside the producer's transaction"
                            + " (sendOffsetsToTransaction); an auto-commit outside it marks input as consumed even if"
                            + " the transaction with its output then aborts, so that input is lost.",
                    "Set enable.auto.commit=false (ExactlyOnceLoop commits offsets in the transaction).");
        };
    }
}
