package io.surety.semantics;

import org.apache.kafka.common.TopicPartition;

/** A record's processing failed every attempt its {@link RetryPolicy} allowed. */
public final class ProcessingFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient TopicPartition partition;
    private final long offset;
    private final int attempts;

    ProcessingFailedException(TopicPartition partition, long offset, int attempts, Throwable cause) {
        super("Processing " + partition + " offset " + offset + " failed " + attempts + " time"
                + (attempts == 1 ? "" : "s") + ": " + cause, cause);
        this.partition = partition;
        this.offset = offset;
        this.attempts = attempts;
    }

    public TopicPartition partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public int attempts() {
        return attempts;
    }
}
