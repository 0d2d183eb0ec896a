package io.surety.broker.producer;

import java.io.IOException;

/** No block of producer ids could be reserved now (the cluster's controller did not answer); retriable. */
public final class ProducerIdsUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    public ProducerIdsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
