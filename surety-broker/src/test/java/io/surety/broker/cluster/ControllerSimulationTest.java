package io.surety.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.junit.jupiter.api.Test;

/**
 * A seeded random walk through the controller's decisions: brokers heartbeat, go silent, come
 * back (sometimes with a wiped directory), shut down; topics come and go and grow; leaders shrink
 * and expand their ISRs, some with stale epochs; operators elect leaders. After every committed
 * entry the invariants of {@link ManualController} hold; at the end, replaying every entry from
 * an empty state machine, and restoring a snapshot then replaying the tail, both rebuild the same
 * image. The seed is printed; rerun with {@code -Dsurety.seed=<seed>} to reproduce a failure.
 */
class ControllerSimulationTest {

    private static final int BROKERS = 5;
    private static final int STEPS = 1000;

    @Test
    void shouldKeepTheInvariantsAndReplayToTheSameImageForRandomOperations() {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        System.out.println("ControllerSimulationTest seed " + seed);
        for (int run = 0; run < 2; run++) {
            simulate(seed + run);
        }
    }

    private void simulate(long seed) {
        Random random = new Random(seed);
        ManualController controller = new ManualController(
                new ControllerConfig(ManualController.SESSION_TIMEOUT_MS, random.nextBoolean(), 2, (short) 2), seed);
        controller.startBrokers(BROKERS);
        boolean[] silent = new boolean[BROKERS + 1];
        int topics = 0;
        for (int step = 0; step < STEPS; step++) {
            int action = random.nextInt(100);
            int broker = 1 + random.nextInt(BROKERS);
            if (action < 25) {
                controller.advanceMs(1 + random.nextInt(3000));
                for (int b = 1; b <= BROKERS; b++) {
                    BrokerRegistration r = controller.image().broker(b);
                    if (!silent[b] && r != null) {
                        heartbeat(controller, r, random.nextInt(20) == 0);
                    }
                }
                controller.fenceExpired();
            } else if (action < 30) {
                silent[broker] = !silent[broker];
            } else if (action < 36) {
                restart(controller, random, broker);
                silent[broker] = false;
            } else if (action < 44) {
                String name = "topic-" + topics++;
                controller.createTopic(name, 1 + random.nextInt(4), 1 + random.nextInt(3),
                        random.nextInt(4) == 0 ? Map.of("unclean.leader.election.enable", "true") : Map.of());
            } else if (action < 47) {
                randomTopic(controller, random).ifPresent(t -> controller.commit(controller.rules.deleteTopics(
                        controller.image(), new DeleteTopicsRequestData().setTopicNames(List.of(t.name())))));
            } else if (action < 50) {
                randomTopic(controller, random).ifPresent(t -> controller.commit(controller.rules.createPartitions(
                        controller.image(), growRequest(t))));
            } else if (action < 80) {
                alterIsr(controller, random);
            } else if (action < 88) {
                elect(controller, random);
            } else if (action < 92) {
                controller.commit(controller.rules.electUncleanLeaders(controller.image()));
            } else if (action < 95) {
                BrokerRegistration r = controller.image().broker(broker);
                if (r != null) {
                    controller.commit(controller.rules.allocateProducerIds(controller.image(),
                            new AllocateProducerIdsRequestData().setBrokerId(broker).setBrokerEpoch(r.brokerEpoch())));
                }
            } else if (action < 97) {
                BrokerRegistration r = controller.image().broker(broker);
                if (r != null) {
                    controller.commit(controller.rules.acceptDirectory(controller.image(), broker, r.directoryId()));
                }
            } else {
                controller.rules.sessions().activate(controller.image(), controller.nowNs);
            }
        }
        assertThat(controller.replayFromScratch()).as("seed %d", seed).isEqualTo(controller.image());
        assertThat(controller.replayFromSnapshot(random.nextInt(controller.log.size() + 1)))
                .as("seed %d", seed).isEqualTo(controller.image());
    }

    private static CreatePartitionsRequestData growRequest(TopicImage topic) {
        CreatePartitionsRequestData request = new CreatePartitionsRequestData();
        request.topics().add(new CreatePartitionsTopic().setName(topic.name()).setCount(topic.partitions().size() + 1)
                .setAssignments(null));
        return request;
    }

    private static void heartbeat(ManualController controller, BrokerRegistration broker, boolean wantShutDown) {
        controller.commit(controller.rules.heartbeat(controller.image(), new BrokerHeartbeatRequestData()
                .setBrokerId(broker.brokerId()).setBrokerEpoch(broker.brokerEpoch())
                .setCurrentMetadataOffset(controller.image().appliedIndex()).setWantShutDown(wantShutDown),
                controller.nowNs));
    }

    private static void restart(ManualController controller, Random random, int broker) {
        BrokerRegistration r = controller.image().broker(broker);
        Uuid directory = r == null || random.nextInt(4) == 0 ? Uuid.randomUuid() : r.directoryId();
        controller.register(broker, Uuid.randomUuid(), directory);
    }

    private static java.util.Optional<TopicImage> randomTopic(ManualController controller, Random random) {
        List<TopicImage> topics = new ArrayList<>(controller.image().topicsByName().values());
        return topics.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(topics.get(random.nextInt(topics.size())));
    }

    /** A leader (or, sometimes, an impostor with stale epochs) proposes a random ISR around itself. */
    private static void alterIsr(ManualController controller, Random random) {
        List<ClusterImage.PartitionRef> partitions = controller.image().partitions();
        if (partitions.isEmpty()) {
            return;
        }
        ClusterImage.PartitionRef ref = partitions.get(random.nextInt(partitions.size()));
        PartitionState p = ref.state();
        int sender = random.nextInt(10) == 0 ? ref.state().replicas().get(random.nextInt(p.replicas().size())) : p.leader();
        if (controller.image().broker(sender) == null) {
            return;
        }
        List<Integer> isr = new ArrayList<>();
        for (int replica : p.replicas()) {
            if (replica == p.leader() || random.nextBoolean()) {
                isr.add(replica);
            }
        }
        int leaderEpoch = p.leaderEpoch() - (random.nextInt(10) == 0 ? 1 : 0);
        int partitionEpoch = p.partitionEpoch() - (random.nextInt(10) == 0 ? 1 : 0);
        LeaderRecoveryState recovery = p.leaderRecoveryState() == LeaderRecoveryState.RECOVERING && isr.size() == 1
                && random.nextBoolean() ? LeaderRecoveryState.RECOVERING : LeaderRecoveryState.RECOVERED;
        controller.alterPartition(sender, ref.topic().name(), ref.partitionId(), leaderEpoch, partitionEpoch, isr, recovery);
    }

    private static void elect(ManualController controller, Random random) {
        ElectLeadersRequestData request = new ElectLeadersRequestData()
                .setElectionType((random.nextBoolean() ? ElectionType.PREFERRED : ElectionType.UNCLEAN).value)
                .setTopicPartitions(null);
        controller.commit(controller.rules.electLeaders(controller.image(), request));
    }
}
