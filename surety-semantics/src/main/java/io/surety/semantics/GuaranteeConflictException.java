package io.surety.semantics;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when settings do not give the guarantee asked for, or would not let the client start.
 * The message lists every finding in plain words; {@link #findings()} gives them as values.
 */
public final class GuaranteeConflictException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Finding> findings;

    GuaranteeConflictException(Guarantee guarantee, Side side, List<Finding> findings) {
        super("These " + side.label() + " settings do not give " + guarantee.label() + ":" + System.lineSeparator()
                + findings.stream().map(Finding::describe).collect(Collectors.joining(System.lineSeparator())));
        this.findings = List.copyOf(findings);
    }

    /** Every finding, worst first. */
    public List<Finding> findings() {
        return findings;
    }
}
