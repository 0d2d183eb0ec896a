package io.surety.semantics;

import java.util.Objects;
import org.apache.kafka.common.KafkaException;

/** Why a processing loop's {@code run()} returned. */
public sealed interface LoopExit {

    /** {@code shutdown()} was called; the loop finished what its guarantee requires and stopped. */
    record ShutDown() implements LoopExit {
    }

    /**
     * Exactly-once: another instance with the same {@code transactional.id} (or group instance id)
     * took over, so this one must stop. Its open transaction was not committed.
     */
    record Fenced(KafkaException cause) implements LoopExit {
        public Fenced {
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * The loop could not go on: a record failed every attempt and there is no dead-letter topic
     * ({@link ProcessingFailedException}), or the client failed. What was done before was committed
     * as the guarantee requires.
     */
    record Failed(Throwable cause) implements LoopExit {
        public Failed {
            Objects.requireNonNull(cause, "cause");
        }
    }
}
