package io.surety.broker.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Broker liveness as the active controller sees it (Kafka's {@code BrokerHeartbeatManager}):
 * when each broker last sent a heartbeat, the metadata offset it reported, and where a broker in
 * controlled shutdown may stop. Soft state: never replicated, kept only by the active controller
 * and lost with its leadership. A new controller gives every registered broker a fresh session
 * starting from its first look ({@link #activate}, or lazily), as Kafka does, so a failover
 * delays fencing by at most one session timeout and never fences a live broker.
 *
 * <p>Time is a monotonic clock in nanoseconds passed into every call ({@code System.nanoTime()}
 * in production, a manual clock in tests); wall-clock jumps cannot expire sessions.
 *
 * <p>Threading: owned by the controller's decision thread; not thread-safe.
 */
public final class BrokerSessions {

    private static final long NONE = -1;

    private final long sessionTimeoutNs;
    private final Map<Integer, Session> sessions = new HashMap<>();

    private static final class Session {
        long lastContactNs;
        long metadataOffset = NONE;
        /** The applied index at which a broker in controlled shutdown was first seen leading nothing. */
        long shutdownReadyIndex = NONE;

        Session(long nowNs) {
            this.lastContactNs = nowNs;
        }
    }

    public BrokerSessions(long sessionTimeoutNs) {
        if (sessionTimeoutNs <= 0) {
            throw new IllegalArgumentException("sessionTimeoutNs must be positive: " + sessionTimeoutNs);
        }
        this.sessionTimeoutNs = sessionTimeoutNs;
    }

    /** Forgets every session and starts a fresh one at {@code nowNs} for every broker in {@code image}. */
    public void activate(ClusterImage image, long nowNs) {
        sessions.clear();
        image.brokers().keySet().forEach(id -> sessions.put(id, new Session(nowNs)));
    }

    /** Starts a fresh session for a new registration of {@code brokerId}. */
    void register(int brokerId, long nowNs) {
        sessions.put(brokerId, new Session(nowNs));
    }

    /** Records a heartbeat from {@code brokerId} reporting {@code metadataOffset}. */
    void touch(int brokerId, long nowNs, long metadataOffset) {
        Session session = session(brokerId, nowNs);
        session.lastContactNs = nowNs;
        session.metadataOffset = metadataOffset;
    }

    /** Whether {@code broker} is unfenced and has sent a heartbeat within the session timeout. */
    boolean hasLiveSession(BrokerRegistration broker, long nowNs) {
        return !broker.fenced() && nowNs - session(broker.brokerId(), nowNs).lastContactNs <= sessionTimeoutNs;
    }

    /**
     * One unfenced broker whose session has expired, the one silent the longest, or empty. Kafka
     * fences one broker per decision so each fencing is visible before the next.
     */
    public OptionalInt findExpired(ClusterImage image, long nowNs) {
        int oldest = -1;
        long oldestContactNs = Long.MAX_VALUE;
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            long contactNs = session(broker.brokerId(), nowNs).lastContactNs;
            if (nowNs - contactNs > sessionTimeoutNs && (oldest < 0 || contactNs - oldestContactNs < 0)) {
                oldest = broker.brokerId();
                oldestContactNs = contactNs;
            }
        }
        return oldest < 0 ? OptionalInt.empty() : OptionalInt.of(oldest);
    }

    /** When the next session can expire, in the clock's nanoseconds; {@code nowNs + timeout} when none is open. */
    public long nextExpiryNs(ClusterImage image, long nowNs) {
        long next = nowNs + sessionTimeoutNs + 1;
        for (BrokerRegistration broker : image.brokers().values()) {
            if (!broker.fenced()) {
                long expiry = session(broker.brokerId(), nowNs).lastContactNs + sessionTimeoutNs + 1;
                if (expiry - next < 0) {
                    next = expiry;
                }
            }
        }
        return next;
    }

    /**
     * The lowest metadata offset reported by an active broker (unfenced, not shutting down) other
     * than {@code exceptBrokerId}; {@link Long#MAX_VALUE} when there is none.
     */
    long lowestActiveOffset(ClusterImage image, int exceptBrokerId, long nowNs) {
        long lowest = Long.MAX_VALUE;
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.active() && broker.brokerId() != exceptBrokerId) {
                lowest = Math.min(lowest, session(broker.brokerId(), nowNs).metadataOffset);
            }
        }
        return lowest;
    }

    /** {@code brokerId} enters controlled shutdown: forget where an earlier one stood. */
    void startShutdown(int brokerId, long nowNs) {
        session(brokerId, nowNs).shutdownReadyIndex = NONE;
    }

    /**
     * The index at which {@code brokerId}, in controlled shutdown, was first seen leading nothing;
     * records {@code appliedIndex} as that index on the first call.
     */
    long shutdownReadyIndex(int brokerId, long appliedIndex, long nowNs) {
        Session session = session(brokerId, nowNs);
        if (session.shutdownReadyIndex == NONE) {
            session.shutdownReadyIndex = appliedIndex;
        }
        return session.shutdownReadyIndex;
    }

    private Session session(int brokerId, long nowNs) {
        return sessions.computeIfAbsent(brokerId, id -> new Session(nowNs));
    }
}
