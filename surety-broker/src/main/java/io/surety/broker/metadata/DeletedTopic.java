package io.surety.broker.metadata;

import org.apache.kafka.common.Uuid;

/** A topic whose deletion is recorded: what a start needs to finish removing its partitions' data. */
public record DeletedTopic(String name, Uuid id, int partitionCount) {
}
