package io.surety.check.fault;

import io.surety.check.target.Target;
import io.surety.check.workload.ConsumerWorker;
import io.surety.check.workload.ProducerFleet;
import io.surety.harness.FaultProxy;
import io.surety.semantics.Guarantee;
import java.util.Map;

/** What faults act on: the proxy between clients and cluster, the cluster, and each guarantee's clients. */
public record FaultTargets(FaultProxy proxy, Target cluster, Map<Guarantee, ProducerFleet> producers,
                           Map<Guarantee, ConsumerWorker> consumers) {
}
