package io.surety.semantics;

import org.apache.kafka.common.TopicPartition;

/**
 * One source's records as read from one partition.
 *
 * @param partition       where they were read
 * @param received        records read, duplicates included
 * @param duplicates      records whose sequence had been read before (in any partition)
 * @param reordered       records read after a higher sequence of the same source in this partition
 * @param highestSequence the highest sequence read here, or -1 if none
 */
public record PartitionFigures(TopicPartition partition, long received, long duplicates, long reordered,
        long highestSequence) {
}
