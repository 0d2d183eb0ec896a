package io.surety.broker.quorum;

/**
 * One Raft group a node takes part in: its name (the same on every voter; with the cluster id it
 * makes the group's id), the state its committed entries drive, how its leader answers requests,
 * and who is told when this node leads it.
 */
public record QuorumGroup(String name, ReplicatedStateMachine machine, QuorumRequestHandler requests,
                          LeadershipListener leadership) {
}
