package io.surety.broker.quorum;

/**
 * Told when this member starts and stops leading its quorum group. Called on the quorum's threads;
 * an implementation hands the change to its own thread and returns.
 */
public interface LeadershipListener {

    /**
     * This member leads {@code term} and has applied every entry committed before it: decisions
     * taken now read a complete state. Entries proposed with this term are applied only while it
     * lasts (see {@link RatisQuorum#propose}).
     */
    void becameLeader(long term);

    /** This member no longer leads (another does, or none is known). */
    void lostLeadership();

    LeadershipListener NONE = new LeadershipListener() {
        @Override
        public void becameLeader(long term) {
        }

        @Override
        public void lostLeadership() {
        }
    };
}
