package io.surety.semantics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks producer and consumer settings against a delivery guarantee and says, in plain words,
 * what does not fit and how to fix it.
 *
 * <pre>{@code
 * List<Finding> findings = ConfigCheck.check(producerProps, consumerProps, Guarantee.AT_LEAST_ONCE);
 * findings.forEach(f -> System.out.println(f.describe()));
 * }</pre>
 *
 * <p>Settings are read the way the client reads them: a key that is not set means the default of
 * the kafka-clients version on the class path (since 3.0 {@code acks=all} and
 * {@code enable.idempotence=true}; {@code enable.auto.commit=true} and
 * {@code auto.offset.reset=latest} for consumers), values are parsed and validated with the
 * client's own definitions, and the producer's start-up rules (idempotence silently turned off,
 * or refused) are applied. Unknown names are reported with the closest known name.
 *
 * <p>A configuration cannot show when application code commits offsets; the check covers what the
 * settings decide, and the processing loops ({@link AtMostOnceLoop}, {@link AtLeastOnceLoop},
 * {@link ExactlyOnceLoop}) get the commit order right.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigCheck {

    private static final Comparator<Finding> WORST_FIRST = Comparator.comparing(Finding::severity)
            .thenComparing(Finding::side)
            .thenComparing(Finding::setting);

    private ConfigCheck() {
    }

    /**
     * Every finding for a producer and consumer that should together give {@code wanted}, worst
     * first. The configuration gives {@code wanted} when no finding {@linkplain Finding#failsGuarantee() fails} it.
     *
     * @param producer the producer's settings (keys as Kafka names them; values as strings or typed)
     * @param consumer the consumer's settings
     */
    public static List<Finding> check(Map<?, ?> producer, Map<?, ?> consumer, Guarantee wanted) {
        List<Finding> findings = new ArrayList<>(checkProducer(producer, wanted));
        findings.addAll(checkConsumer(consumer, wanted));
        return sorted(findings);
    }

    /** The findings for the producer side alone, worst first. */
    public static List<Finding> checkProducer(Map<?, ?> producer, Guarantee wanted) {
        Objects.requireNonNull(producer, "producer settings");
        Objects.requireNonNull(wanted, "wanted guarantee");
        return sorted(ProducerRules.check(ProducerView.of(producer), wanted));
    }

    /** The findings for the consumer side alone, worst first. */
    public static List<Finding> checkConsumer(Map<?, ?> consumer, Guarantee wanted) {
        Objects.requireNonNull(consumer, "consumer settings");
        Objects.requireNonNull(wanted, "wanted guarantee");
        return sorted(ConsumerRules.check(ClientSettings.consumer(consumer), wanted));
    }

    /** True if none of {@code findings} breaks the guarantee they were checked for. */
    public static boolean gives(List<Finding> findings) {
        return findings.stream().noneMatch(Finding::failsGuarantee);
    }

    /**
     * The strongest guarantee a producer and consumer configuration gives together, with the
     * reasons. Exactly-once is stronger than at-least-once, which is stronger than at-most-once.
     */
    public static Assessment guaranteeOf(Map<?, ?> producer, Map<?, ?> consumer) {
        Objects.requireNonNull(producer, "producer settings");
        Objects.requireNonNull(consumer, "consumer settings");
        return assess(Optional.of(producer), Optional.of(consumer));
    }

    /** As {@link #guaranteeOf(Map, Map)}, for whichever sides are present (at least one). */
    static Assessment assess(Optional<? extends Map<?, ?>> producer, Optional<? extends Map<?, ?>> consumer) {
        if (producer.isEmpty() && consumer.isEmpty()) {
            throw new IllegalArgumentException("Give producer settings, consumer settings, or both");
        }
        Map<Guarantee, List<Finding>> byGuarantee = new EnumMap<>(Guarantee.class);
        for (Guarantee guarantee : Guarantee.values()) {
            List<Finding> findings = new ArrayList<>();
            producer.ifPresent(p -> findings.addAll(checkProducer(p, guarantee)));
            consumer.ifPresent(c -> findings.addAll(checkConsumer(c, guarantee)));
            byGuarantee.put(guarantee, sorted(findings));
        }
        Optional<Guarantee> strongest = List.of(Guarantee.EXACTLY_ONCE, Guarantee.AT_LEAST_ONCE, Guarantee.AT_MOST_ONCE)
                .stream().filter(g -> gives(byGuarantee.get(g))).findFirst();
        List<String> reasons = Reasons.explain(strongest, byGuarantee, producer.isPresent(), consumer.isPresent());
        return new Assessment(strongest, reasons, byGuarantee);
    }

    static List<Finding> sorted(List<Finding> findings) {
        return findings.stream().distinct().sorted(WORST_FIRST).collect(Collectors.toUnmodifiableList());
    }
}
