package io.surety.broker.api;

import io.surety.broker.delay.PartitionWatchers;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;

/**
 * How one kind of fetch reads a partition: a consumer's (up to the high watermark or the last
 * stable offset) or a follower's (up to the log end). {@link PendingFetch} does the waiting and
 * the byte accounting for both.
 */
interface FetchReader {

    /**
     * Reads {@code target} from its fetch offset, at most {@code bytesLeft} bytes and its partition
     * limit, or one whole batch past them when {@code firstWithData} (KIP-74). Never throws: a
     * problem is the partition's error code.
     */
    PartitionData read(FetchTarget target, int bytesLeft, boolean firstWithData);

    /** The watchers that wake a waiting fetch when this reader may find more to read. */
    PartitionWatchers watchers();
}
