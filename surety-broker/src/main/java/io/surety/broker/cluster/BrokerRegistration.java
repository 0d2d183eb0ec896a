package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.Endpoint;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * One registered broker as the committed metadata describes it. Immutable.
 *
 * @param brokerEpoch the log index of the entry that registered this incarnation
 * @param directoryPendingReplace see {@link ClusterRecord.RegisterBroker}: the broker may host and
 *        fetch replicas, but may neither join an ISR nor lead until its directory is accepted
 */
public record BrokerRegistration(int brokerId, Uuid incarnationId, long brokerEpoch, Uuid directoryId,
        List<Endpoint> endpoints, Optional<String> rack, boolean fenced, boolean inControlledShutdown,
        boolean directoryPendingReplace) {

    public BrokerRegistration {
        Objects.requireNonNull(incarnationId, "incarnationId");
        Objects.requireNonNull(directoryId, "directoryId");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(rack, "rack");
    }

    /** Unfenced and not shutting down (Kafka's "active"): may be given new replicas. */
    public boolean active() {
        return !fenced && !inControlledShutdown;
    }

    /** May lead or join an ISR: active, and its directory is not awaiting the replace step. */
    public boolean eligible() {
        return active() && !directoryPendingReplace;
    }

    BrokerRegistration withFenced(boolean nowFenced) {
        return new BrokerRegistration(brokerId, incarnationId, brokerEpoch, directoryId, endpoints, rack, nowFenced,
                nowFenced ? false : inControlledShutdown, directoryPendingReplace);
    }

    BrokerRegistration withControlledShutdown() {
        return new BrokerRegistration(brokerId, incarnationId, brokerEpoch, directoryId, endpoints, rack, fenced, true,
                directoryPendingReplace);
    }

    BrokerRegistration directoryAccepted() {
        return new BrokerRegistration(brokerId, incarnationId, brokerEpoch, directoryId, endpoints, rack, fenced,
                inControlledShutdown, false);
    }
}
