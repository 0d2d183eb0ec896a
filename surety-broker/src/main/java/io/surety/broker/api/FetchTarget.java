package io.surety.broker.api;

import io.surety.broker.partition.Partition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;

/**
 * One partition of a fetch request: as the client named it, and the local partition if any (none
 * when its topic may not be read by the requester: {@code denied}).
 */
record FetchTarget(String topicName, Uuid topicId, Partition partition, FetchRequestData.FetchPartition request,
        boolean denied) {
}
