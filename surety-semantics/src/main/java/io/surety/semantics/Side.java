package io.surety.semantics;

/** Which client a setting belongs to. */
public enum Side {
    PRODUCER,
    CONSUMER;

    /** {@code "producer"} or {@code "consumer"}, as the findings print it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
