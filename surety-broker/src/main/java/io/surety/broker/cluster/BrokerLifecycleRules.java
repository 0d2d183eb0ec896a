package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.AcceptBrokerDirectory;
import io.surety.broker.cluster.ClusterRecord.BrokerControlledShutdown;
import io.surety.broker.cluster.ClusterRecord.Endpoint;
import io.surety.broker.cluster.ClusterRecord.FenceBroker;
import io.surety.broker.cluster.ClusterRecord.RegisterBroker;
import io.surety.broker.cluster.ClusterRecord.UnfenceBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Registration, heartbeats, fencing and controlled shutdown (Kafka's {@code ClusterControlManager}
 * and {@code BrokerHeartbeatManager} rules, on the active controller only).
 *
 * <p>A broker's life: it registers (a new incarnation gets a new broker epoch, the log index of
 * its registration, and starts fenced); it is unfenced by the first heartbeat that reports it has
 * applied the metadata up to its registration; it is fenced again when it asks, when it shuts
 * down, or when its session expires. Fencing, controlled shutdown and a new incarnation of a
 * broker that was still unfenced all take it out of every ISR where it is not the last member and
 * out of every leadership, re-electing from the ISR ({@link Elections#removeBroker}); unfencing
 * elects it where partitions were waiting for it.
 *
 * <p>A returning node id with a new directory id (a wiped or replaced disk) is registered with
 * {@code directoryPendingReplace}: it may host and fetch its replicas, so it can catch up, but it
 * is not {@linkplain BrokerRegistration#eligible() eligible} to lead or to join an ISR until
 * {@link #acceptDirectory} (the operator's explicit replace step) commits. Where it was the last
 * ISR member it stays in the ISR, leaderless, so nothing is elected from an empty disk. The flag
 * survives further restarts until accepted, even with the old directory id back.
 *
 * <p>Threading: the controller's decision thread; not thread-safe (the sessions are soft state).
 */
final class BrokerLifecycleRules {

    private enum State {
        FENCED, UNFENCED, CONTROLLED_SHUTDOWN, SHUTDOWN_NOW
    }

    private final ControllerConfig config;
    private final BrokerSessions sessions;

    BrokerLifecycleRules(ControllerConfig config, BrokerSessions sessions) {
        this.config = config;
        this.sessions = sessions;
    }

    /**
     * A broker registers (BrokerRegistration). The answer's broker epoch is the current one when
     * the same incarnation registers again, and -1 for a new incarnation: its epoch is the index
     * the records commit at ({@code image.broker(id).brokerEpoch()} once applied).
     */
    Decision<BrokerRegistrationResponseData> register(ClusterImage image, BrokerRegistrationRequestData request,
            long nowNs) {
        int brokerId = request.brokerId();
        Optional<ApiError> refused = checkRegistration(image, request, nowNs);
        if (refused.isPresent()) {
            return Decision.answer(new BrokerRegistrationResponseData().setErrorCode(refused.get().error().code())
                    .setBrokerEpoch(-1));
        }
        Uuid directoryId = request.logDirs().get(0);
        BrokerRegistration existing = image.broker(brokerId);
        List<Endpoint> endpoints = new ArrayList<>();
        request.listeners().forEach(l -> endpoints.add(new Endpoint(l.name(), l.host(), l.port(), l.securityProtocol())));
        Optional<String> rack = Optional.ofNullable(request.rack());
        boolean pending = existing != null && (existing.directoryPendingReplace() || !existing.directoryId().equals(directoryId));
        if (existing != null && existing.incarnationId().equals(request.incarnationId())) {
            RegisterBroker amended = new RegisterBroker(brokerId, existing.incarnationId(), existing.brokerEpoch(),
                    directoryId, endpoints, rack, existing.fenced(), existing.inControlledShutdown(), pending);
            return new Decision<>(List.of(amended),
                    new BrokerRegistrationResponseData().setBrokerEpoch(existing.brokerEpoch()));
        }
        List<ClusterRecord> records = new ArrayList<>();
        if (existing != null && !existing.fenced()) {
            records.addAll(Elections.removeBroker(image, config, brokerId));
        }
        records.add(new RegisterBroker(brokerId, request.incarnationId(), ClusterRecord.UNASSIGNED_EPOCH, directoryId,
                endpoints, rack, true, false, pending));
        sessions.register(brokerId, nowNs);
        return new Decision<>(records, new BrokerRegistrationResponseData().setBrokerEpoch(-1));
    }

    private Optional<ApiError> checkRegistration(ClusterImage image, BrokerRegistrationRequestData request, long nowNs) {
        if (image.clusterId().isEmpty()) {
            return Optional.of(new ApiError(Errors.NOT_CONTROLLER, "The cluster id is not committed yet."));
        }
        if (!image.clusterId().get().equals(request.clusterId())) {
            return Optional.of(new ApiError(Errors.INCONSISTENT_CLUSTER_ID, "Expected cluster ID "
                    + image.clusterId().get() + ", but got cluster ID " + request.clusterId()));
        }
        if (request.isMigratingZkBroker()) {
            return Optional.of(new ApiError(Errors.BROKER_ID_NOT_REGISTERED, "ZooKeeper brokers are not supported."));
        }
        if (request.logDirs().size() != 1 || reserved(request.logDirs().get(0))) {
            return Optional.of(new ApiError(Errors.INVALID_REGISTRATION,
                    "Exactly one directory id, not a reserved one, is required: " + request.logDirs()));
        }
        Uuid directoryId = request.logDirs().get(0);
        for (BrokerRegistration other : image.brokers().values()) {
            if (other.brokerId() != request.brokerId() && other.directoryId().equals(directoryId)) {
                return Optional.of(new ApiError(Errors.INVALID_REGISTRATION,
                        "Broker " + other.brokerId() + " is already registered with directory " + directoryId));
            }
        }
        BrokerRegistration existing = image.broker(request.brokerId());
        if (existing != null && !existing.incarnationId().equals(request.incarnationId())
                && sessions.hasLiveSession(existing, nowNs)) {
            return Optional.of(new ApiError(Errors.DUPLICATE_BROKER_REGISTRATION,
                    "Another broker is registered with that broker id."));
        }
        return Optional.empty();
    }

    /** Kafka's reserved directory ids: the high half zero and the low half below 100. */
    private static boolean reserved(Uuid directoryId) {
        return directoryId.getMostSignificantBits() == 0 && directoryId.getLeastSignificantBits() < 100;
    }

    /**
     * A broker's heartbeat (BrokerHeartbeat): refreshes its session and moves it between fenced,
     * unfenced and controlled shutdown as Kafka does. A broker in controlled shutdown is told to
     * shut down once it leads nothing and every other active broker has reported the metadata
     * offset at which that was first seen, so clients can find the new leaders.
     */
    Decision<BrokerHeartbeatResponseData> heartbeat(ClusterImage image, BrokerHeartbeatRequestData request, long nowNs) {
        int brokerId = request.brokerId();
        Errors epochError = checkBrokerEpoch(image, brokerId, request.brokerEpoch());
        if (epochError != Errors.NONE) {
            return Decision.answer(new BrokerHeartbeatResponseData().setErrorCode(epochError.code()));
        }
        BrokerRegistration broker = image.broker(brokerId);
        State current = broker.fenced() ? State.FENCED
                : broker.inControlledShutdown() ? State.CONTROLLED_SHUTDOWN : State.UNFENCED;
        State next = nextState(image, broker, current, request, nowNs);
        List<ClusterRecord> records = new ArrayList<>();
        if (next != current) {
            switch (next) {
                case FENCED:
                case SHUTDOWN_NOW:
                    if (!broker.fenced()) {
                        records.addAll(Elections.removeBroker(image, config, brokerId));
                        records.add(new FenceBroker(brokerId, broker.brokerEpoch()));
                    }
                    break;
                case UNFENCED:
                    records.add(new UnfenceBroker(brokerId, broker.brokerEpoch()));
                    if (!broker.directoryPendingReplace()) {
                        records.addAll(Elections.brokerNowEligible(image, config, brokerId));
                    }
                    break;
                case CONTROLLED_SHUTDOWN:
                    records.add(new BrokerControlledShutdown(brokerId, broker.brokerEpoch()));
                    records.addAll(Elections.removeBroker(image, config, brokerId));
                    sessions.startShutdown(brokerId, nowNs);
                    break;
                default:
                    throw new IllegalStateException("unexpected state " + next);
            }
        }
        sessions.touch(brokerId, nowNs, request.currentMetadataOffset());
        return new Decision<>(records, new BrokerHeartbeatResponseData()
                .setIsCaughtUp(request.currentMetadataOffset() >= broker.brokerEpoch())
                .setIsFenced(next == State.FENCED || next == State.SHUTDOWN_NOW)
                .setShouldShutDown(next == State.SHUTDOWN_NOW));
    }

    private State nextState(ClusterImage image, BrokerRegistration broker, State current,
            BrokerHeartbeatRequestData request, long nowNs) {
        switch (current) {
            case FENCED:
                if (request.wantShutDown()) {
                    return State.SHUTDOWN_NOW;
                }
                boolean caughtUp = request.currentMetadataOffset() >= broker.brokerEpoch();
                return !request.wantFence() && caughtUp ? State.UNFENCED : State.FENCED;
            case UNFENCED:
                if (request.wantFence()) {
                    return request.wantShutDown() ? State.SHUTDOWN_NOW : State.FENCED;
                }
                if (request.wantShutDown()) {
                    return image.leadsAnyPartition(broker.brokerId()) ? State.CONTROLLED_SHUTDOWN : State.SHUTDOWN_NOW;
                }
                return State.UNFENCED;
            case CONTROLLED_SHUTDOWN:
                if (image.leadsAnyPartition(broker.brokerId())) {
                    return State.CONTROLLED_SHUTDOWN;
                }
                long readyIndex = sessions.shutdownReadyIndex(broker.brokerId(), image.appliedIndex(), nowNs);
                return sessions.lowestActiveOffset(image, broker.brokerId(), nowNs) >= readyIndex
                        ? State.SHUTDOWN_NOW : State.CONTROLLED_SHUTDOWN;
            default:
                return State.SHUTDOWN_NOW;
        }
    }

    /**
     * Fences one broker whose session has expired, the longest silent, with its ISR and leader
     * updates; the answer names it, or is empty (then there are no records). Call again until
     * empty; {@link BrokerSessions#nextExpiryNs} says when next to look.
     */
    Decision<OptionalInt> fenceExpired(ClusterImage image, long nowNs) {
        OptionalInt expired = sessions.findExpired(image, nowNs);
        if (expired.isEmpty()) {
            return Decision.answer(expired);
        }
        int brokerId = expired.getAsInt();
        List<ClusterRecord> records = new ArrayList<>(Elections.removeBroker(image, config, brokerId));
        records.add(new FenceBroker(brokerId, image.broker(brokerId).brokerEpoch()));
        return new Decision<>(records, expired);
    }

    /**
     * The operator's replace step: {@code brokerId}'s new {@code directoryId} is accepted, so the
     * broker may join ISRs and lead again (and leads at once where a partition waits for it).
     * BROKER_ID_NOT_REGISTERED for an unknown id; INVALID_REQUEST when the broker is registered
     * with another directory; nothing to do when its directory is not pending.
     */
    Decision<ApiError> acceptDirectory(ClusterImage image, int brokerId, Uuid directoryId) {
        BrokerRegistration broker = image.broker(brokerId);
        if (broker == null) {
            return Decision.answer(new ApiError(Errors.BROKER_ID_NOT_REGISTERED, "No broker " + brokerId + " is registered."));
        }
        if (!broker.directoryId().equals(directoryId)) {
            return Decision.answer(new ApiError(Errors.INVALID_REQUEST,
                    "Broker " + brokerId + " is registered with directory " + broker.directoryId() + ", not " + directoryId));
        }
        if (!broker.directoryPendingReplace()) {
            return Decision.answer(ApiError.NONE);
        }
        List<ClusterRecord> records = new ArrayList<>();
        records.add(new AcceptBrokerDirectory(brokerId, broker.brokerEpoch(), directoryId));
        if (broker.active()) {
            records.addAll(Elections.brokerNowEligible(image, config, brokerId));
        }
        return new Decision<>(records, ApiError.NONE);
    }

    /** STALE_BROKER_EPOCH unless {@code brokerId} is registered with {@code brokerEpoch} (Kafka's {@code checkBrokerEpoch}). */
    static Errors checkBrokerEpoch(ClusterImage image, int brokerId, long brokerEpoch) {
        BrokerRegistration broker = image.broker(brokerId);
        return broker != null && broker.brokerEpoch() == brokerEpoch ? Errors.NONE : Errors.STALE_BROKER_EPOCH;
    }
}
