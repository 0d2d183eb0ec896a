package io.surety.semantics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Lays the user's settings over a preset and applies the caller's {@link OnConflict} choice. */
final class PresetMerge {

    private PresetMerge() {
    }

    static MergedSettings merge(Guarantee guarantee, Side side, Map<String, String> preset, Map<?, ?> userSettings,
            OnConflict onConflict) {
        Objects.requireNonNull(userSettings, "userSettings: pass an empty map if you have no settings of your own");
        Objects.requireNonNull(onConflict, "onConflict");
        Map<String, Object> merged = new LinkedHashMap<>(preset);
        userSettings.forEach((key, value) -> {
            if (key != null && value != null) {
                merged.put(String.valueOf(key), value);
            }
        });
        List<Finding> findings = side == Side.PRODUCER
                ? ConfigCheck.checkProducer(merged, guarantee)
                : ConfigCheck.checkConsumer(merged, guarantee);
        boolean refused = findings.stream().anyMatch(f -> f.severity() == Severity.REFUSED);
        boolean broken = findings.stream().anyMatch(Finding::failsGuarantee);
        if (refused || (broken && onConflict == OnConflict.REJECT)) {
            throw new GuaranteeConflictException(guarantee, side, findings);
        }
        return new MergedSettings(guarantee, side, merged, findings);
    }
}
