package io.surety.broker.partition;

/**
 * What the leader needs to know of the other brokers, from the cluster metadata, to decide who may
 * join the ISR, whose fetches are stale (KIP-841, KIP-903) and whose log start counts towards the
 * low watermark. Implemented over the metadata image
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

        @Override
        public boolean isAlive(int brokerId) {
            return true;
        }
    };

    /** The broker epoch the metadata shows for {@code brokerId}'s current registration, or -1 when none is known. */
    long registeredEpoch(int brokerId);

    /** Whether {@code brokerId} is registered, unfenced and not in controlled shutdown. */
    boolean isActive(int brokerId);

    /**
     * Whether {@code brokerId} is registered and not fenced (Kafka's {@code hasAliveBroker}): a
     * replica on such a broker holds back the partition's low watermark. A broker that stopped
     * without a word stays alive until its session expires and the controller fences it.
     */
    boolean isAlive(int brokerId);
}
