package io.surety.broker.coordinator;

import java.io.IOException;

/** A source of fresh producer ids that are never reused, even across crashes (may touch the disk). */
@FunctionalInterface
public interface ProducerIdSource {
    long nextProducerId() throws IOException;
}
