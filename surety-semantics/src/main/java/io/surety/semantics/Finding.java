package io.surety.semantics;

import java.util.Objects;

/**
 * One problem found in a client configuration, in plain words.
 *
 * @param side     the client the setting belongs to
 * @param setting  the setting's name, as Kafka spells it (or as the user spelled it, for an unknown one)
 * @param value    the value in force; a value the user did not set is shown with
 *                 {@code "(client default)"} after it, and a setting with neither value nor default
 *                 as {@code "(not set)"}
 * @param severity whether the client refuses it, the guarantee breaks, or it is only a warning
 * @param problem  what goes wrong, in plain words
 * @param fix      what to change
 */
public record Finding(Side side, String setting, String value, Severity severity, String problem, String fix) {

    public Finding {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(fix, "fix");
    }

    /** True if this finding means the configuration does not give the guarantee it was checked for. */
    public boolean failsGuarantee() {
        return severity.failsGuarantee();
    }

    /** Three lines of plain text: the setting, the problem and the fix. */
    public String describe() {
        return "[" + severity.label() + "] " + side.label() + " " + setting + " = " + value + System.lineSeparator()
                + "    Problem: " + problem + System.lineSeparator()
                + "    Fix:     " + fix;
    }

    @Override
    public String toString() {
        return severity.label() + ": " + side.label() + " " + setting + "=" + value + ": " + problem + " Fix: " + fix;
    }
}
