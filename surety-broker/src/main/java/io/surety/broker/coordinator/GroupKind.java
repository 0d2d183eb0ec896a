package io.surety.broker.coordinator;

/** A group of either protocol, as the admin APIs see it. */
sealed interface GroupKind permits ClassicGroup, ConsumerGroup {

    String groupId();

    /** {@code classic} or {@code consumer}, as ListGroups v5 reports it. */
    String typeName();

    /** The state as Kafka spells it (Empty, Stable, PreparingRebalance, Assigning, ...). */
    String stateName();

    /** Whether the group has no members (it may still have offsets). */
    boolean isEmpty();

    /** The protocol type ListGroups reports: "consumer" for consumer groups, "" for standalone offsets. */
    String protocolTypeOrEmpty();
}
