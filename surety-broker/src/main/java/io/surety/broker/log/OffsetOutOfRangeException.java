package io.surety.broker.log;

/** A read asked for an offset outside [log start, log end]. */
public final class OffsetOutOfRangeException extends Exception {
    private static final long serialVersionUID = 1L;

    public OffsetOutOfRangeException(String message) {
        super(message, null, false, false);
    }
}
