package io.surety.semantics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which guarantee a configuration gives, and why.
 *
 * @param strongest the strongest guarantee the settings give (exactly-once, then at-least-once,
 *                  then at-most-once), or empty if they give none of them
 * @param reasons   plain sentences: why the strongest one holds, and what blocks each stronger one
 * @param findings  the check's findings for each guarantee (unmodifiable)
 */
public record Assessment(Optional<Guarantee> strongest, List<String> reasons, Map<Guarantee, List<Finding>> findings) {

    public Assessment {
        Objects.requireNonNull(strongest, "strongest");
        reasons = List.copyOf(reasons);
        Map<Guarantee, List<Finding>> copy = new EnumMap<>(Guarantee.class);
        findings.forEach((guarantee, list) -> copy.put(guarantee, List.copyOf(list)));
        findings = Collections.unmodifiableMap(copy);
    }

    /** True if the settings give {@code guarantee}. */
    public boolean gives(Guarantee guarantee) {
        return findings.getOrDefault(guarantee, List.of()).stream().noneMatch(Finding::failsGuarantee);
    }
}
