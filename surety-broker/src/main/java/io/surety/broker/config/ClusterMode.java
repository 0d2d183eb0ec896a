package io.surety.broker.config;

/** Whether this node runs alone or as one voter of a replicated cluster; see {@link ClusterConfig}. */
public enum ClusterMode {
    /** No quorum setting, or a quorum of this node only: today's single node, with no quorum started. */
    SINGLE_NODE,
    /** Several voters in {@code controller.quorum.voters}: this node is one combined broker and controller. */
    CLUSTER
}
