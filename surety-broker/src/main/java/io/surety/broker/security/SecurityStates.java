package io.surety.broker.security;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metadata.MetadataRecordType;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * The {@link SecurityState}s of one broker, each record routed to the one that replays its type:
 * what the single node's {@link SecurityStore} replays its journal into, and what a cluster node
 * replays its committed metadata into. Immutable routing; replay is as thread-safe as the states.
 */
public final class SecurityStates {

    private final List<SecurityState> states;
    private final Map<MetadataRecordType, SecurityState> byType = new EnumMap<>(MetadataRecordType.class);

    public SecurityStates(List<SecurityState> states) {
        this.states = List.copyOf(states);
        for (SecurityState state : states) {
            for (MetadataRecordType type : state.recordTypes()) {
                if (byType.put(type, state) != null) {
                    throw new IllegalArgumentException("Two security states replay " + type);
                }
            }
        }
    }

    /** Whether one of the states replays {@code record}'s type. */
    public boolean replays(ApiMessage record) {
        return stateOf(record) != null;
    }

    /**
     * Applies {@code record} to the state that replays its type.
     *
     * @throws IllegalArgumentException when no state does
     */
    public void replay(ApiMessage record) {
        SecurityState state = stateOf(record);
        if (state == null) {
            throw new IllegalArgumentException("No security state replays " + record.getClass().getSimpleName());
        }
        state.replay(record);
    }

    /** Every state's snapshot, in the order the states were given. */
    List<ApiMessageAndVersion> snapshot() {
        List<ApiMessageAndVersion> all = new ArrayList<>();
        states.forEach(state -> all.addAll(state.snapshot()));
        return all;
    }

    private SecurityState stateOf(ApiMessage record) {
        try {
            return byType.get(MetadataRecordType.fromId(record.apiKey()));
        } catch (IllegalArgumentException unknownType) {
            return null;
        }
    }
}
