package io.surety.check.result;

import java.util.List;

/**
 * Whether a guarantee kept its promise in a run: {@code PASS} when no anomaly it forbids was
 * counted, {@code FAIL} with one plain sentence per broken rule otherwise.
 */
public record Verdict(Outcome outcome, List<String> violations) {

    public enum Outcome { PASS, FAIL }

    public Verdict {
        violations = List.copyOf(violations);
        if ((outcome == Outcome.PASS) != violations.isEmpty()) {
            throw new IllegalArgumentException("a verdict fails exactly when it lists violations");
        }
    }

    public static Verdict of(List<String> violations) {
        return new Verdict(violations.isEmpty() ? Outcome.PASS : Outcome.FAIL, violations);
    }

    public boolean passed() {
        return outcome == Outcome.PASS;
    }
}
