package io.surety.broker.metrics;

import io.surety.broker.partition.Partition;

/** Breaks the layering: metrics is a leaf and imports no other broker package. Never compiled. */
final class MetricsReadsPartitions {

    Partition partition;
}
