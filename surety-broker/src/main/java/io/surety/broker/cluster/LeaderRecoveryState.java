package io.surety.broker.cluster;

/**
 * Whether a partition's leader may hold less than the committed log (KIP-704). Persisted as
 * {@link #code()}, which is also the value of the {@code LeaderRecoveryState} field of Kafka's
 * AlterPartition request and metadata records: a code, once given, is never changed or reused.
 */
public enum LeaderRecoveryState {
    /** The leader was elected from the ISR, or has finished recovering from an unclean election. */
    RECOVERED(0),
    /**
     * The leader was elected from outside the ISR (an unclean election) and has not yet reported
     * its ISR with an AlterPartition: until it does, the ISR is the leader alone.
     */
    RECOVERING(1);

    private final byte code;

    LeaderRecoveryState(int code) {
        this.code = (byte) code;
    }

    /** The byte that stands for this state in records and in AlterPartition. */
    public byte code() {
        return code;
    }

    /**
     * The state with {@code code}.
     *
     * @throws IllegalArgumentException naming the code when no state has it
     */
    public static LeaderRecoveryState fromCode(byte code) {
        for (LeaderRecoveryState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown leader recovery state " + code);
    }
}
