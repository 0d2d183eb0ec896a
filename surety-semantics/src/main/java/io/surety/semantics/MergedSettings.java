package io.surety.semantics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A preset merged with the user's settings, and what the check found in the result.
 *
 * @param guarantee the preset's guarantee
 * @param side      producer or consumer
 * @param settings  the merged settings, preset first, user's values over them (unmodifiable, in order)
 * @param findings  the check's findings for {@code guarantee}, worst first; empty when all is well
 */
public record MergedSettings(Guarantee guarantee, Side side, Map<String, Object> settings, List<Finding> findings) {

    public MergedSettings {
        Objects.requireNonNull(guarantee, "guarantee");
        Objects.requireNonNull(side, "side");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        findings = List.copyOf(findings);
    }

    /** True if no finding breaks the guarantee (warnings may remain). */
    public boolean givesGuarantee() {
        return findings.stream().noneMatch(Finding::failsGuarantee);
    }

    /** A fresh, mutable copy of the settings, for a client constructor. */
    public Properties toProperties() {
        Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }
}
