package io.surety.check.fault;

import io.surety.check.cluster.Target;
import io.surety.check.workload.ConsumerWorker;
import io.surety.check.workload.ProducerFleet;
import io.surety.harness.FaultProxy;
import io.surety.semantics.Guarantee;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What faults act on: the proxies between clients and cluster (one per node), the cluster, each
 * guarantee's clients, and — on a cluster the check started — its nodes and what they lead.
 */
public record FaultTargets(List<FaultProxy> proxies, Target cluster, Map<Guarantee, ProducerFleet> producers,
                           Map<Guarantee, ConsumerWorker> consumers, Optional<ClusterScope> nodes) {

    public FaultTargets {
        proxies = List.copyOf(proxies);
    }

    /** The targets of a single broker behind one proxy. */
    public FaultTargets(FaultProxy proxy, Target cluster, Map<Guarantee, ProducerFleet> producers,
                        Map<Guarantee, ConsumerWorker> consumers) {
        this(proxy == null ? List.of() : List.of(proxy), cluster, producers, consumers, Optional.empty());
    }
}
