package io.surety.semantics;

/** How much a {@link Finding} matters, worst first. */
public enum Severity {
    /** The client refuses to start with this configuration (it throws a {@code ConfigException}). */
    REFUSED,
    /** The client starts, but the configuration does not give the wanted guarantee. */
    BREAKS,
    /** The guarantee holds, but the setting is probably not what its author meant. */
    WARNING;

    /** True for the severities that mean "this configuration does not give the guarantee". */
    public boolean failsGuarantee() {
        return this != WARNING;
    }

    /** Lower-case name, as the findings print it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
