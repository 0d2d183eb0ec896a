package io.surety.semantics;

import java.util.List;
import java.util.Optional;

/**
 * A {@link DeliveryAudit}'s figures at one moment: per source (ordered by id) and in total.
 *
 * @param sources per-source figures
 * @param totals  the sums, with the records that carried no or unreadable audit headers
 */
public record AuditSnapshot(List<SourceFigures> sources, AuditTotals totals) {

    public AuditSnapshot {
        sources = List.copyOf(sources);
    }

    /** The figures of {@code source}, if any of its records has been read. */
    public Optional<SourceFigures> source(String source) {
        return sources.stream().filter(s -> s.source().equals(source)).findFirst();
    }
}
