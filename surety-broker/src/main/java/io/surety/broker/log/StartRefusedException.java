package io.surety.broker.log;

import java.io.IOException;

/**
 * The broker must not start, for a reason the operator can act on: a data directory that is not
 * Surety's, a damaged metadata file, an address in use. The message is one line that names the
 * problem and what to do; the launcher prints it without a stack trace and exits with code 2.
 */
public final class StartRefusedException extends IOException {

    public StartRefusedException(String message) {
        super(message);
    }

    public StartRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
