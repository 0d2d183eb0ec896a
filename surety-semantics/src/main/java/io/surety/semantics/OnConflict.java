package io.surety.semantics;

/**
 * What merging a preset with the user's settings does when the user's settings do not give the
 * preset's guarantee. The user's values are kept either way; see {@link Guarantee}.
 */
public enum OnConflict {
    /** Throw a {@link GuaranteeConflictException} listing the findings. */
    REJECT,
    /**
     * Keep the user's values and return the findings with the settings: the caller accepts a weaker
     * guarantee. Settings the client would refuse to start with still throw.
     */
    ALLOW_WEAKER
}
