package io.surety.broker.partition;

/**
 * What the leader needs to know of the other brokers, from the cluster metadata, to decide who may
 * join the ISR and whose fetches are stale (KIP-841, KIP-903). Implemented over the metadata image
 * by the caller; read under the partition lock, so it must answer quickly and without locks of its
 * own that a partition could wait for.
 */
public interface IsrEligibility {

    /** Every broker is active, with no registered epoch to compare (tests, a single node). */
    IsrEligibility ANY = new IsrEligibility() {
        @Override
        public long registeredEpoch(int brokerId) {
            return -1;
        }

        @Override
        public boolean isActive(int brokerId) {
            return true;
        }
    };

    /** The broker epoch the metadata shows for {@code brokerId}'s current registration, or -1 when none is known. */
    long registeredEpoch(int brokerId);

    /** Whether {@code brokerId} is registered, unfenced and not in controlled shutdown. */
    boolean isActive(int brokerId);
}
