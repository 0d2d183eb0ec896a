package io.surety.broker.node;

import io.surety.broker.cluster.ClusterImage;

/**
 * Told of each new committed metadata image, in order, on the node's single metadata-publisher
 * thread (never the quorum's apply thread, which must not wait on the broker).
 */
@FunctionalInterface
interface ImageListener {

    void imageChanged(ClusterImage previous, ClusterImage current);
}
