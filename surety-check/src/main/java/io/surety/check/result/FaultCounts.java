package io.surety.check.result;

import io.surety.check.fault.FaultKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The faults of a run counted: how many were injected, of which kinds, how many of them killed a
 * node that led something, and how many failed or were skipped. A campaign is judged by these
 * (a thousand faults, three hundred of them leader or controller kills).
 *
 * @param injected             faults that ran (a consumer crash counts once it happened)
 * @param leaderOrControllerKills of those, the {@code kill -9}s of a partition leader, the active controller
 *                             or the group coordinator ({@link FaultKind#killsALeader()})
 * @param failed               faults tried that failed
 * @param skipped              faults never tried
 * @param injectedByKind       faults that ran, by {@link FaultKind#label()}, in the kinds' order; a fault
 *                             whose name no kind gives counts under "other"
 */
public record FaultCounts(long injected, long leaderOrControllerKills, long failed, long skipped,
                          Map<String, Long> injectedByKind) {

    /** The label of faults whose name no kind gives. */
    public static final String OTHER = "other";

    public FaultCounts {
        injectedByKind = Collections.unmodifiableMap(new LinkedHashMap<>(injectedByKind));
    }

    /** The faults of {@code windows} counted. */
    public static FaultCounts of(List<FaultWindow> windows) {
        Map<FaultKind, Long> byKind = new EnumMap<>(FaultKind.class);
        long other = 0;
        long injected = 0;
        long kills = 0;
        long failed = 0;
        long skipped = 0;
        for (FaultWindow window : windows) {
            switch (window.status()) {
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
                case RAN -> {
                    injected++;
                    Optional<FaultKind> kind = FaultKind.ofFaultName(window.name());
                    if (kind.isPresent()) {
                        byKind.merge(kind.get(), 1L, Long::sum);
                        kills += kind.get().killsALeader() ? 1 : 0;
                    } else {
                        other++;
                    }
                }
                default -> throw new IllegalStateException("unknown status " + window.status());
            }
        }
        Map<String, Long> labelled = new LinkedHashMap<>();
        byKind.forEach((kind, count) -> labelled.put(kind.label(), count));
        if (other > 0) {
            labelled.put(OTHER, other);
        }
        return new FaultCounts(injected, kills, failed, skipped, labelled);
    }
}
