package io.surety.broker.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Every group's committed offsets and member count, copied on the coordinator thread (the owner of
 * that state) so the metrics scrape can read them on its own. Immutable.
 */
public record GroupsSnapshot(List<Committed> offsets, Map<String, Integer> members) {

    public GroupsSnapshot {
        offsets = List.copyOf(offsets);
        members = Map.copyOf(members);
    }

    /** One committed offset. */
    public record Committed(String group, TopicPartition partition, long offset) {
    }

    /** Coordinator thread only. */
    static GroupsSnapshot of(GroupStateMachine state) {
        List<Committed> offsets = new ArrayList<>();
        for (String group : state.offsets().groupIds()) {
            state.offsets().all(group).forEach((tp, committed) -> offsets.add(new Committed(group, tp, committed.offset())));
        }
        Map<String, Integer> members = new HashMap<>();
        for (GroupKind group : state.groups()) {
            int size = group instanceof ClassicGroup classic ? classic.size()
                    : ((ConsumerGroup) group).members().size();
            members.put(group.groupId(), size);
        }
        return new GroupsSnapshot(offsets, members);
    }
}
