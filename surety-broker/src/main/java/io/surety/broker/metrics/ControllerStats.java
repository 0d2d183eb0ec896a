package io.surety.broker.metrics;

/**
 * What a scrape reports about the controller on this node: whether it is the active one and,
 * if so, what the committed metadata shows. Read at scrape time.
 *
 * @param active             this node leads the metadata quorum and runs the controller
 * @param offlinePartitions  partitions of the committed image with no leader (0 unless active)
 * @param fencedBrokers      registered brokers the controller has fenced (0 unless active)
 */
public record ControllerStats(boolean active, int offlinePartitions, int fencedBrokers) {

    /** A node that is not the active controller: it reports nothing of the cluster's state. */
    public static final ControllerStats INACTIVE = new ControllerStats(false, 0, 0);
}
