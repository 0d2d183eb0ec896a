package io.surety.broker.partition;

import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.Log;
import io.surety.broker.metrics.FsyncMetrics;
import io.surety.broker.producer.ProducerStateTable;
import io.surety.broker.record.ProducedBatch;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/** Keeps the layering: partition uses the layers below it and the leaves. Never compiled. */
final class PartitionUsesLowerLayers {

    TopicConfig config;
    Log log;
    FsyncMetrics metrics;
    ProducerStateTable producers;
    List<ProducedBatch> batches;
    TopicPartition topicPartition;
}
