package io.surety.broker.coordinator;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * A member of a classic group: what it sent in its last JoinGroup, what the leader assigned it, and
 * the requests of it that are parked. Owned by the coordinator thread.
 */
final class ClassicMember {

    /** One protocol a member supports, in its order of preference. */
    record Protocol(String name, byte[] metadata) {
    }

    static final byte[] EMPTY_ASSIGNMENT = new byte[0];

    private final String memberId;
    private final String instanceId;
    private final String clientId;
    private final String clientHost;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = EMPTY_ASSIGNMENT;
    private CompletableFuture<JoinGroupResponseData> joinFuture;
    private CompletableFuture<SyncGroupResponseData> syncFuture;
    private boolean isNew;

    ClassicMember(String memberId, String instanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
            int sessionTimeoutMs, List<Protocol> protocols) {
        this.memberId = memberId;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** The same member under a new id (a static member rejoining), keeping everything else. */
    ClassicMember withId(String newMemberId) {
        ClassicMember copy = new ClassicMember(newMemberId, instanceId, clientId, clientHost, rebalanceTimeoutMs,
                sessionTimeoutMs, protocols);
        copy.assignment = assignment;
        return copy;
    }

    String memberId() {
        return memberId;
    }

    String instanceId() {
        return instanceId;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    boolean supports(String protocolName) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocolName));
    }

    /** This member's metadata for {@code protocolName}, or null. */
    byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return null;
    }

    /** Its first preference among {@code candidates}. */
    String vote(Set<String> candidates) {
        for (Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return p.name();
            }
        }
        throw new IllegalStateException("Member " + memberId + " supports none of " + candidates);
    }

    /** Whether {@code others} are exactly the protocols (names and metadata, in order) it joined with. */
    boolean sameProtocols(List<Protocol> others) {
        if (others.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < others.size(); i++) {
            if (!others.get(i).name().equals(protocols.get(i).name())
                    || !Arrays.equals(others.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }

    void update(List<Protocol> newProtocols, int newRebalanceTimeoutMs, int newSessionTimeoutMs) {
        this.protocols = List.copyOf(newProtocols);
        this.rebalanceTimeoutMs = newRebalanceTimeoutMs;
        this.sessionTimeoutMs = newSessionTimeoutMs;
    }

    byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] assignment) {
        this.assignment = assignment;
    }

    CompletableFuture<JoinGroupResponseData> joinFuture() {
        return joinFuture;
    }

    void setJoinFuture(CompletableFuture<JoinGroupResponseData> future) {
        this.joinFuture = future;
    }

    boolean isAwaitingJoin() {
        return joinFuture != null;
    }

    CompletableFuture<SyncGroupResponseData> syncFuture() {
        return syncFuture;
    }

    void setSyncFuture(CompletableFuture<SyncGroupResponseData> future) {
        this.syncFuture = future;
    }

    boolean isAwaitingSync() {
        return syncFuture != null;
    }

    boolean isNew() {
        return isNew;
    }

    void setNew(boolean isNew) {
        this.isNew = isNew;
    }

    /**
     * Whether an expired session timer should spare this member: members parked in a rebalance
     * are waiting on the coordinator, not silent — unless they are new and never heard back.
     */
    boolean heartbeatSatisfied() {
        return !isNew && (isAwaitingJoin() || isAwaitingSync());
    }
}
