package io.surety.broker.security;

/**
 * What an authenticator reports as it goes, for counters. Called on the connection's thread;
 * implementations must be thread-safe across connections and must not block.
 */
public interface AuthenticationEvents {

    /** Names the mechanism of a failure that happened before one was chosen. */
    String NO_MECHANISM = "none";

    /** An authentication ({@code reauthentication}: a KIP-368 re-authentication) with {@code mechanism} succeeded. */
    void succeeded(String mechanism, boolean reauthentication);

    /** An authentication failed; {@code mechanism} is {@link #NO_MECHANISM} if none was agreed. */
    void failed(String mechanism, boolean reauthentication);

    /** A connection was closed because its session expired without a re-authentication. */
    void expired();

    /** Reports nothing. */
    AuthenticationEvents NONE = new AuthenticationEvents() {
        @Override
        public void succeeded(String mechanism, boolean reauthentication) {
        }

        @Override
        public void failed(String mechanism, boolean reauthentication) {
        }

        @Override
        public void expired() {
        }
    };
}
