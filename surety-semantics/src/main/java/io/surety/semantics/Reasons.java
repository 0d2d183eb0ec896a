package io.surety.semantics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The plain sentences of an {@link Assessment}. Stateless. */
final class Reasons {

    private static final List<Guarantee> STRONGEST_FIRST =
            List.of(Guarantee.EXACTLY_ONCE, Guarantee.AT_LEAST_ONCE, Guarantee.AT_MOST_ONCE);

    private Reasons() {
    }

    static List<String> explain(Optional<Guarantee> strongest, Map<Guarantee, List<Finding>> byGuarantee,
            boolean producerChecked, boolean consumerChecked) {
        List<String> reasons = new ArrayList<>();
        strongest.ifPresentOrElse(
                g -> reasons.add("Gives " + g.label() + ": " + holds(g, producerChecked, consumerChecked)),
                () -> reasons.add("Gives none of the three guarantees: records can be lost and also duplicated."));
        for (Guarantee guarantee : STRONGEST_FIRST) {
            if (strongest.isPresent() && guarantee == strongest.get()) {
                break;
            }
            List<Finding> blocking = byGuarantee.get(guarantee).stream().filter(Finding::failsGuarantee).toList();
            reasons.add("Not " + guarantee.label() + ": " + blocking.stream()
                    .map(f -> f.side().label() + " " + f.setting() + " = " + f.value() + " (" + f.severity().label() + ")")
                    .collect(Collectors.joining("; ")) + ".");
        }
        if (consumerChecked && strongest.orElse(null) == Guarantee.AT_LEAST_ONCE
                && byGuarantee.get(Guarantee.AT_MOST_ONCE).stream().noneMatch(Finding::failsGuarantee)) {
            reasons.add("The settings also allow at-most-once: the code decides. Committing after processing gives"
                    + " at-least-once (AtLeastOnceLoop); committing before processing gives at-most-once (AtMostOnceLoop).");
        }
        if (!producerChecked) {
            reasons.add("Only the consumer settings were checked; the producer's settings decide whether records reach"
                    + " the log once, at least once or at most once.");
        }
        if (!consumerChecked) {
            reasons.add("Only the producer settings were checked; the consumer's settings and when it commits decide"
                    + " what processing gets.");
        }
        return reasons;
    }

    private static String holds(Guarantee guarantee, boolean producerChecked, boolean consumerChecked) {
        List<String> parts = new ArrayList<>();
        switch (guarantee) {
            case EXACTLY_ONCE -> {
                if (producerChecked) {
                    parts.add("the producer is idempotent and transactional, so a retry never writes twice and output"
                            + " commits together with the consumed offsets");
                }
                if (consumerChecked) {
                    parts.add("the consumer reads committed data only and leaves its offsets to the transaction,"
                            + " provided the code sends them with sendOffsetsToTransaction (ExactlyOnceLoop)");
                }
            }
            case AT_LEAST_ONCE -> {
                if (producerChecked) {
                    parts.add("every send waits for all in-sync replicas and is retried until delivery.timeout.ms");
                }
                if (consumerChecked) {
                    parts.add("the consumer commits only when the code says so and starts from the earliest record"
                            + " when it has no offset, provided the code commits after processing (AtLeastOnceLoop)");
                }
            }
            case AT_MOST_ONCE -> {
                if (producerChecked) {
                    parts.add("no send is ever written twice");
                }
                if (consumerChecked) {
                    parts.add("the consumer commits only when the code says so, provided the code commits before"
                            + " processing (AtMostOnceLoop)");
                }
            }
        }
        return String.join("; ", parts) + ".";
    }
}
