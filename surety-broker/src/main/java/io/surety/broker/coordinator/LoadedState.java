package io.surety.broker.coordinator;

/**
 * The state a coordinator serves from and the machines that work on it, as loaded at one start or
 * takeover ({@code generation}): replaced whole when a cluster node takes over again, so nothing
 * scheduled for an earlier load (a timer, a marker completion) can reach the new one. Coordinator
 * thread only.
 */
record LoadedState(long generation, GroupStateMachine state, TransactionStateMachine transactions,
                   TxnOffsetStateMachine txnOffsets, TransactionAdmin admin, ScheduledCoordinatorTimer timer) {
}
