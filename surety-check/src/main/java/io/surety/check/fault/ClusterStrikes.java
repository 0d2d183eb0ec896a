package io.surety.check.fault;

import io.surety.check.cluster.ClusterNode;
import io.surety.check.cluster.ClusterRoles.PartitionRoles;
import io.surety.check.cluster.ClusterTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each {@link ClusterFault} does to the nodes, step by step, and the wait after it until the
 * cluster is whole again (every node running, every partition of the watched topics led with a full
 * ISR), so that each fault meets a healed cluster rather than the remains of the one before.
 *
 * <p>Used by the fault schedule's thread only.
 *
 * <p>Implementation notes: a killed node is started again only once the cluster has moved on without
 * it (another leader, controller or coordinator), so that the fault tests a failover rather than a
 * quick restart. A failover or healing that does not come within {@link #STEP_TIMEOUT} throws: the
 * fault is recorded as failed and the run is partial, which is itself a finding.
 */
final class ClusterStrikes {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterStrikes.class);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FOLLOWER_DOWN = Duration.ofSeconds(2);
    private static final Duration CUT = Duration.ofSeconds(4);
    private static final Duration ISOLATION = Duration.ofSeconds(5);
    /** How long acks=1 records are acknowledged by a cut-off leader alone before it dies. */
    private static final Duration ACKS1_ALONE = Duration.ofSeconds(2);

    private final ClusterScope scope;
    private final ClusterTarget cluster;

    ClusterStrikes(ClusterScope scope) {
        this.scope = scope;
        this.cluster = scope.cluster();
    }

    void strike(FaultKind kind, int victim) throws InterruptedException {
        switch (kind) {
            case LEADER_CRASH -> killUntil(victim, () -> leader(scope.topic()) >= 0 && leader(scope.topic()) != victim,
                    "partition 0 of " + scope.topic() + " led by another node");
            case FOLLOWER_CRASH -> {
                cluster.node(victim).kill9();
                TimeUnit.MILLISECONDS.sleep(FOLLOWER_DOWN.toMillis());
                restart(victim);
            }
            case CONTROLLER_CRASH -> killUntil(victim, () -> controllerOtherThan(victim), "another active controller");
            case COORDINATOR_CRASH -> killUntil(victim, () -> coordinatorOtherThan(victim), "another group coordinator");
            case LEADER_PAUSE -> pause(victim);
            case REPLICATION_CUT -> cutReplication();
            case BROKER_ISOLATED -> isolate(victim);
            case CUT_LEADER_CRASH -> cutAndKill(victim);
            default -> throw new IllegalStateException(kind + " is not a cluster fault");
        }
        awaitWhole();
    }

    /**
     * Kills {@code victim} and starts it again once the cluster has moved on without it; when it does
     * not move on in time the fault fails, but the node is started again all the same, so the rest of
     * the run meets a whole cluster.
     */
    private void killUntil(int victim, BooleanSupplier movedOn, String what) throws InterruptedException {
        cluster.node(victim).kill9();
        try {
            await(movedOn, what + " after node " + victim + " was killed");
        } finally {
            restart(victim);
        }
    }

    private void pause(int victim) throws InterruptedException {
        ClusterNode node = cluster.node(victim);
        node.pause();
        try {
            TimeUnit.MILLISECONDS.sleep(ClusterTarget.SESSION_TIMEOUT_MS + 2_000L);
        } finally {
            node.resume();
        }
    }

    private void cutReplication() throws InterruptedException {
        try {
            cluster.nodeIds().forEach(id -> cluster.node(id).replicationProxy().blackHole());
            TimeUnit.MILLISECONDS.sleep(CUT.toMillis());
        } finally {
            cluster.nodeIds().forEach(id -> cluster.node(id).replicationProxy().heal());
        }
    }

    private void isolate(int victim) throws InterruptedException {
        ClusterNode node = cluster.node(victim);
        try {
            node.clientProxy().blackHole();
            node.replicationProxy().blackHole();
            TimeUnit.MILLISECONDS.sleep(ISOLATION.toMillis());
        } finally {
            node.heal();
        }
    }

    /**
     * The acks=1 loss: the leader's followers stop fetching (its replication proxy is black-holed),
     * it goes on acknowledging acks=1 records alone, then dies; a follower, still in the ISR, is
     * elected without those records, and the old leader truncates them when it comes back.
     */
    private void cutAndKill(int victim) throws InterruptedException {
        ClusterNode node = cluster.node(victim);
        try {
            node.replicationProxy().blackHole();
            TimeUnit.MILLISECONDS.sleep(ACKS1_ALONE.toMillis());
            PartitionRoles before = scope.roles().partitions(scope.lossTopic()).get(0);
            LOG.info("killing node {}, the cut-off leader of {}-0; ISR {}", victim, scope.lossTopic(), before.isr());
            node.kill9();
            await(() -> leaderOtherThan(scope.lossTopic(), victim) || before.isr().equals(List.of(victim)),
                    "partition 0 of " + scope.lossTopic() + " led by another node after node " + victim + " was killed");
        } finally {
            node.heal();
            if (!node.isAlive()) {
                restart(victim);
            }
        }
    }

    private void restart(int victim) {
        cluster.node(victim).restart();
    }

    /** Every node running and every partition of the watched topics led, with every replica in its ISR. */
    private void awaitWhole() throws InterruptedException {
        await(() -> whole(scope.topic()) && whole(scope.lossTopic()), "every partition led with a full ISR");
    }

    private boolean whole(String topic) {
        for (Map.Entry<Integer, PartitionRoles> partition : scope.roles().partitions(topic).entrySet()) {
            PartitionRoles roles = partition.getValue();
            if (roles.leader() < 0 || roles.isr().size() < roles.replicas().size()) {
                return false;
            }
        }
        return true;
    }

    private int leader(String topic) {
        return scope.roles().partitions(topic).get(0).leader();
    }

    private boolean leaderOtherThan(String topic, int victim) {
        int leader = leader(topic);
        return leader >= 0 && leader != victim;
    }

    private boolean controllerOtherThan(int victim) {
        int controller = scope.roles().controller();
        return controller > 0 && controller != victim;
    }

    private boolean coordinatorOtherThan(int victim) {
        int coordinator = scope.roles().coordinator(scope.group());
        return coordinator >= 0 && coordinator != victim;
    }

    /** Polls {@code condition} (a failing question counts as not yet) until true or {@link #STEP_TIMEOUT}. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadlineNs = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                LOG.debug("waiting for {}: {}", what, notYet.getMessage());
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new IllegalStateException("no " + what + " within " + STEP_TIMEOUT.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }
}
