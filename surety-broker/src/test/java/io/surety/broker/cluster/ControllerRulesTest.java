package io.surety.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitions;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.Test;

/**
 * The controller's rules on a manual clock, each decision committed and replayed as the quorum
 * would, with the invariants checked after every entry ({@link ManualController}): elections from
 * the ISR, the last ISR member kept, unclean election, AlterPartition validation, session expiry,
 * controlled shutdown, registration, topic placement and producer ids. Each test ends by
 * replaying its whole log from scratch and from a snapshot.
 */
class ControllerRulesTest {

    private static final String TOPIC = "t";

    private ManualController controller = new ManualController(false);

    private void assertReplayRebuildsTheImage() {
        assertThat(controller.replayFromScratch()).isEqualTo(controller.image());
        assertThat(controller.replayFromSnapshot(controller.log.size() / 2)).isEqualTo(controller.image());
    }

    /** Three brokers, topic t with one partition on replicas 1, 2, 3 (1 leads). */
    private PartitionState threeReplicas() {
        controller.startBrokers(3);
        assertThat(controller.createTopic(TOPIC, 1, 3, Map.of()).errorCode()).isZero();
        PartitionState p = controller.partition(TOPIC, 0);
        assertThat(p.isr()).containsExactlyInAnyOrderElementsOf(p.replicas());
        return p;
    }

    /** Fences {@code brokerId} by letting its session expire while the others keep heartbeating. */
    private void expire(int brokerId) {
        for (int i = 0; i < 5; i++) {
            controller.advanceMs(2000);
            for (BrokerRegistration b : List.copyOf(controller.image().brokers().values())) {
                if (!b.fenced() && b.brokerId() != brokerId) {
                    controller.heartbeat(b.brokerId(), false);
                }
            }
        }
        controller.fenceExpired();
        assertThat(controller.image().broker(brokerId).fenced()).isTrue();
    }

    @Test
    void shouldElectTheFirstIsrReplicaInAssignmentOrderWhenTheLeaderIsFenced() {
        PartitionState before = threeReplicas();
        int leader = before.leader();
        int next = before.replicas().get(1);
        expire(leader);

        PartitionState after = controller.partition(TOPIC, 0);
        assertThat(after.leader()).isEqualTo(next);
        assertThat(after.isr()).doesNotContain(leader).hasSize(2);
        assertThat(after.leaderEpoch()).isEqualTo(before.leaderEpoch() + 1);
        assertThat(after.partitionEpoch()).isEqualTo(before.partitionEpoch() + 1);
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldNotElectAReplicaOutsideTheIsr() {
        PartitionState p = threeReplicas();
        int leader = p.leader();
        int outside = p.replicas().get(1);
        assertThat(controller.alterIsr(TOPIC, 0, List.of(leader, p.replicas().get(2))).errorCode()).isZero();
        expire(leader);

        PartitionState after = controller.partition(TOPIC, 0);
        assertThat(after.leader()).isEqualTo(p.replicas().get(2)).isNotEqualTo(outside);
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldKeepTheLastIsrMemberWithNoLeaderWhenItIsFencedAndUncleanIsOff() {
        PartitionState p = threeReplicas();
        int leader = p.leader();
        assertThat(controller.alterIsr(TOPIC, 0, List.of(leader)).errorCode()).isZero();
        expire(leader);

        PartitionState after = controller.partition(TOPIC, 0);
        assertThat(after.isr()).containsExactly(leader);
        assertThat(after.leader()).isEqualTo(ClusterImage.NO_LEADER);
        assertThat(controller.commit(controller.rules.electUncleanLeaders(controller.image()))).isZero();

        controller.register(leader);
        controller.heartbeat(leader, false);
        PartitionState back = controller.partition(TOPIC, 0);
        assertThat(back.leader()).as("the last ISR member leads again once unfenced").isEqualTo(leader);
        assertThat(back.leaderRecoveryState()).isEqualTo(LeaderRecoveryState.RECOVERED);
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldElectALiveReplicaOutsideTheIsrAsRecoveringWhenUncleanIsOn() {
        controller = new ManualController(true);
        PartitionState p = threeReplicas();
        int leader = p.leader();
        assertThat(controller.alterIsr(TOPIC, 0, List.of(leader)).errorCode()).isZero();
        expire(leader);

        PartitionState after = controller.partition(TOPIC, 0);
        assertThat(after.leader()).isEqualTo(p.replicas().get(1));
        assertThat(after.isr()).containsExactly(after.leader());
        assertThat(after.leaderRecoveryState()).isEqualTo(LeaderRecoveryState.RECOVERING);

        AlterPartitionResponseData.PartitionData tooMany = controller.alterPartition(after.leader(), TOPIC, 0,
                after.leaderEpoch(), after.partitionEpoch(), List.of(after.leader(), p.replicas().get(2)),
                LeaderRecoveryState.RECOVERING);
        assertThat(tooMany.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        AlterPartitionResponseData.PartitionData recovered = controller.alterPartition(after.leader(), TOPIC, 0,
                after.leaderEpoch(), after.partitionEpoch(), List.of(after.leader()), LeaderRecoveryState.RECOVERED);
        assertThat(recovered.errorCode()).isZero();
        assertThat(controller.partition(TOPIC, 0).leaderRecoveryState()).isEqualTo(LeaderRecoveryState.RECOVERED);
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldHonourTheTopicOverrideOfUncleanElection() {
        controller.startBrokers(3);
        controller.createTopic(TOPIC, 1, 3, Map.of("unclean.leader.election.enable", "true"));
        PartitionState p = controller.partition(TOPIC, 0);
        controller.alterIsr(TOPIC, 0, List.of(p.leader()));
        expire(p.leader());
        assertThat(controller.partition(TOPIC, 0).leaderRecoveryState()).isEqualTo(LeaderRecoveryState.RECOVERING);
        assertThat(controller.partition(TOPIC, 0).hasLeader()).isTrue();
    }

    @Test
    void shouldElectUncleanlyOnlyWhenElectLeadersAsksForIt() {
        PartitionState p = threeReplicas();
        controller.alterIsr(TOPIC, 0, List.of(p.leader()));
        expire(p.leader());
        ElectLeadersRequestData request = new ElectLeadersRequestData().setElectionType(ElectionType.UNCLEAN.value)
                .setTopicPartitions(new ElectLeadersRequestData.TopicPartitionsCollection());
        request.topicPartitions().add(new TopicPartitions().setTopic(TOPIC).setPartitions(List.of(0)));

        ElectLeadersResponseData response = controller.commit(controller.rules.electLeaders(controller.image(), request));

        assertThat(response.replicaElectionResults().get(0).partitionResult().get(0).errorCode()).isZero();
        PartitionState after = controller.partition(TOPIC, 0);
        assertThat(after.leader()).isEqualTo(p.replicas().get(1));
        assertThat(after.leaderRecoveryState()).isEqualTo(LeaderRecoveryState.RECOVERING);
        ElectLeadersResponseData again = controller.commit(controller.rules.electLeaders(controller.image(), request));
        assertThat(again.replicaElectionResults().get(0).partitionResult().get(0).errorCode())
                .isEqualTo(Errors.ELECTION_NOT_NEEDED.code());
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldMoveLeadershipBackToThePreferredReplica() {
        PartitionState p = threeReplicas();
        int preferred = p.preferredLeader();
        expire(preferred);
        controller.register(preferred);
        controller.heartbeat(preferred, false);
        PartitionState mid = controller.partition(TOPIC, 0);
        assertThat(mid.leader()).isNotEqualTo(preferred);
        ElectLeadersRequestData request = new ElectLeadersRequestData().setElectionType(ElectionType.PREFERRED.value)
                .setTopicPartitions(new ElectLeadersRequestData.TopicPartitionsCollection());
        request.topicPartitions().add(new TopicPartitions().setTopic(TOPIC).setPartitions(List.of(0)));

        ElectLeadersResponseData notInIsr = controller.commit(controller.rules.electLeaders(controller.image(), request));
        assertThat(notInIsr.replicaElectionResults().get(0).partitionResult().get(0).errorCode())
                .isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE.code());

        List<Integer> full = List.of(mid.isr().get(0), mid.isr().get(1), preferred);
        assertThat(controller.alterIsr(TOPIC, 0, full).errorCode()).isZero();
        ElectLeadersResponseData moved = controller.commit(controller.rules.electLeaders(controller.image(), request));
        assertThat(moved.replicaElectionResults().get(0).partitionResult().get(0).errorCode()).isZero();
        assertThat(controller.partition(TOPIC, 0).leader()).isEqualTo(preferred);
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldRefuseAlterPartitionWithStaleEpochsOrFromANonLeader() {
        PartitionState p = threeReplicas();
        int leader = p.leader();
        List<Integer> isr = p.isr();
        assertThat(controller.alterPartition(leader, TOPIC, 0, p.leaderEpoch() - 1, p.partitionEpoch(), isr,
                LeaderRecoveryState.RECOVERED).errorCode()).isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
        assertThat(controller.alterPartition(leader, TOPIC, 0, p.leaderEpoch() + 1, p.partitionEpoch(), isr,
                LeaderRecoveryState.RECOVERED).errorCode()).isEqualTo(Errors.NOT_CONTROLLER.code());
        assertThat(controller.alterIsr(TOPIC, 0, List.of(leader, p.replicas().get(1))).errorCode()).isZero();
        assertThat(controller.alterPartition(leader, TOPIC, 0, p.leaderEpoch(), p.partitionEpoch(), isr,
                LeaderRecoveryState.RECOVERED).errorCode()).isEqualTo(Errors.INVALID_UPDATE_VERSION.code());
        PartitionState now = controller.partition(TOPIC, 0);
        assertThat(controller.alterPartition(p.replicas().get(1), TOPIC, 0, now.leaderEpoch(), now.partitionEpoch(),
                now.isr(), LeaderRecoveryState.RECOVERED).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(controller.partition(TOPIC, 0)).isEqualTo(now);
    }

    @Test
    void shouldRefuseAnIsrWithoutTheLeaderOrOutsideTheReplicas() {
        PartitionState p = threeReplicas();
        controller.register(4);
        controller.heartbeat(4, false);
        assertThat(controller.alterIsr(TOPIC, 0, List.of(p.replicas().get(1), p.replicas().get(2))).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(controller.alterIsr(TOPIC, 0, List.of(p.leader(), 4)).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(controller.alterIsr(TOPIC, 0, List.of(p.leader(), p.leader())).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(controller.partition(TOPIC, 0)).isEqualTo(p);
    }

    @Test
    void shouldRefuseAFencedOrStaleEpochBrokerJoiningTheIsr() {
        PartitionState p = threeReplicas();
        int leader = p.leader();
        int follower = p.replicas().get(2);
        controller.alterIsr(TOPIC, 0, List.of(leader, p.replicas().get(1)));
        expire(follower);
        PartitionState now = controller.partition(TOPIC, 0);
        assertThat(controller.alterIsr(TOPIC, 0, List.of(leader, p.replicas().get(1), follower)).errorCode())
                .isEqualTo(Errors.INELIGIBLE_REPLICA.code());

        controller.register(follower);
        controller.heartbeat(follower, false);
        PartitionState current = controller.partition(TOPIC, 0);
        assertThat(current).isEqualTo(now);
        AlterPartitionResponseData.PartitionData stale = controller.alterPartition(leader, TOPIC, 0, current.leaderEpoch(),
                current.partitionEpoch(), List.of(leader, p.replicas().get(1)), LeaderRecoveryState.RECOVERED);
        assertThat(stale.errorCode()).as("no change is fine").isZero();
        long oldEpoch = controller.image().broker(follower).brokerEpoch() - 1;
        AlterPartitionRequestData request = new AlterPartitionRequestData()
                .setBrokerId(leader).setBrokerEpoch(controller.image().broker(leader).brokerEpoch());
        PartitionState cur = controller.partition(TOPIC, 0);
        AlterPartitionRequestData.PartitionData data =
                new AlterPartitionRequestData.PartitionData().setPartitionIndex(0)
                        .setLeaderEpoch(cur.leaderEpoch()).setPartitionEpoch(cur.partitionEpoch());
        cur.isr().forEach(id -> data.newIsrWithEpochs().add(new AlterPartitionRequestData.BrokerState()
                .setBrokerId(id).setBrokerEpoch(controller.image().broker(id).brokerEpoch())));
        data.newIsrWithEpochs().add(new AlterPartitionRequestData.BrokerState()
                .setBrokerId(follower).setBrokerEpoch(oldEpoch));
        request.topics().add(new AlterPartitionRequestData.TopicData()
                .setTopicId(controller.image().topic(TOPIC).id()).setPartitions(List.of(data)));
        AlterPartitionResponseData response = controller.commit(controller.rules.alterPartition(controller.image(), request));
        assertThat(response.topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.INELIGIBLE_REPLICA.code());

        AlterPartitionResponseData.PartitionData joined = controller.alterIsr(TOPIC, 0,
                List.of(leader, p.replicas().get(1), follower));
        assertThat(joined.errorCode()).isZero();
        assertThat(joined.isr()).contains(follower);
        assertThat(joined.partitionEpoch()).isEqualTo(controller.partition(TOPIC, 0).partitionEpoch());
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldRefuseAlterPartitionFromAStaleBrokerEpoch() {
        PartitionState p = threeReplicas();
        AlterPartitionRequestData request = new AlterPartitionRequestData()
                .setBrokerId(p.leader()).setBrokerEpoch(controller.image().broker(p.leader()).brokerEpoch() + 100);
        assertThat(controller.commit(controller.rules.alterPartition(controller.image(), request)).errorCode())
                .isEqualTo(Errors.STALE_BROKER_EPOCH.code());
    }

    @Test
    void shouldNotFenceABrokerThatKeepsHeartbeatingAndFenceOneThatStops() {
        threeReplicas();
        for (int i = 0; i < 20; i++) {
            controller.advanceMs(2000);
            controller.heartbeatAll();
            controller.fenceExpired();
        }
        assertThat(controller.image().brokers().values()).noneMatch(BrokerRegistration::fenced);
        controller.advanceMs(ManualController.SESSION_TIMEOUT_MS);
        controller.fenceExpired();
        assertThat(controller.image().brokers().values()).noneMatch(BrokerRegistration::fenced);
        controller.advanceMs(1);
        controller.fenceExpired();
        assertThat(controller.image().brokers().values()).allMatch(BrokerRegistration::fenced);
        assertThat(controller.partition(TOPIC, 0).hasLeader()).isFalse();
        assertThat(controller.partition(TOPIC, 0).isr()).hasSize(1);
    }

    @Test
    void shouldGiveEveryBrokerAFreshSessionUnderANewController() {
        threeReplicas();
        controller.advanceMs(ManualController.SESSION_TIMEOUT_MS - 1);
        controller.rules.sessions().activate(controller.image(), controller.nowNs);
        controller.advanceMs(ManualController.SESSION_TIMEOUT_MS);
        assertThat(controller.rules.fenceExpired(controller.image(), controller.nowNs).answer()).isEmpty();
        controller.advanceMs(1);
        assertThat(controller.rules.fenceExpired(controller.image(), controller.nowNs).answer()).isPresent();
    }

    @Test
    void shouldMoveLeadershipAwayBeforeTellingABrokerToShutDown() {
        PartitionState p = threeReplicas();
        int leader = p.leader();
        BrokerHeartbeatResponseData first = controller.heartbeat(leader, true);
        assertThat(first.shouldShutDown()).isFalse();
        BrokerRegistration shuttingDown = controller.image().broker(leader);
        assertThat(shuttingDown.inControlledShutdown()).isTrue();
        assertThat(shuttingDown.fenced()).isFalse();
        PartitionState moved = controller.partition(TOPIC, 0);
        assertThat(moved.leader()).isEqualTo(p.replicas().get(1));
        assertThat(moved.isr()).doesNotContain(leader);
        assertThat(moved.leaderEpoch()).isEqualTo(p.leaderEpoch() + 1);

        BrokerHeartbeatResponseData beforeOthersCaughtUp = controller.heartbeat(leader, true);
        assertThat(beforeOthersCaughtUp.shouldShutDown()).isFalse();
        controller.heartbeatAll();
        BrokerHeartbeatResponseData done = controller.heartbeat(leader, true);
        assertThat(done.shouldShutDown()).isTrue();
        assertThat(controller.image().broker(leader).fenced()).isTrue();
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldKeepTheLastIsrMemberLeaderlessOnControlledShutdown() {
        PartitionState p = threeReplicas();
        controller.alterIsr(TOPIC, 0, List.of(p.leader()));
        controller.heartbeat(p.leader(), true);
        PartitionState after = controller.partition(TOPIC, 0);
        assertThat(after.isr()).containsExactly(p.leader());
        assertThat(after.leader()).isEqualTo(ClusterImage.NO_LEADER);
    }

    @Test
    void shouldRefuseADuplicateRegistrationWhileThePreviousIncarnationIsAlive() {
        controller.startBrokers(1);
        Uuid directory = controller.image().broker(1).directoryId();
        assertThat(controller.register(1, Uuid.randomUuid(), directory).errorCode())
                .isEqualTo(Errors.DUPLICATE_BROKER_REGISTRATION.code());
        controller.advanceMs(ManualController.SESSION_TIMEOUT_MS + 1);
        assertThat(controller.register(1, Uuid.randomUuid(), directory).errorCode()).isZero();
        assertThat(controller.image().broker(1).fenced()).isTrue();
    }

    @Test
    void shouldGiveANewIncarnationTheLogIndexOfItsRegistrationAsEpoch() {
        controller.startBrokers(1);
        long first = controller.image().broker(1).brokerEpoch();
        controller.advanceMs(ManualController.SESSION_TIMEOUT_MS + 1);
        controller.register(1);
        long second = controller.image().broker(1).brokerEpoch();
        assertThat(second).isGreaterThan(first).isEqualTo(controller.log.get(controller.log.size() - 1).index());
        BrokerHeartbeatResponseData behind = controller.commit(controller.rules.heartbeat(controller.image(),
                new BrokerHeartbeatRequestData().setBrokerId(1).setBrokerEpoch(second)
                        .setCurrentMetadataOffset(second - 1), controller.nowNs));
        assertThat(behind.isFenced()).as("not unfenced before it has applied its registration").isTrue();
        assertThat(behind.isCaughtUp()).isFalse();
        BrokerHeartbeatResponseData stale = controller.commit(controller.rules.heartbeat(controller.image(),
                new BrokerHeartbeatRequestData().setBrokerId(1).setBrokerEpoch(first)
                        .setCurrentMetadataOffset(second), controller.nowNs));
        assertThat(stale.errorCode()).isEqualTo(Errors.STALE_BROKER_EPOCH.code());
    }

    @Test
    void shouldRefuseRegistrationsOfAnotherClusterOrAnotherBrokersDirectory() {
        controller.startBrokers(1);
        BrokerRegistrationRequestData other = new BrokerRegistrationRequestData()
                .setBrokerId(2).setClusterId("another-cluster").setIncarnationId(Uuid.randomUuid())
                .setLogDirs(List.of(Uuid.randomUuid()));
        assertThat(controller.commit(controller.rules.register(controller.image(), other, controller.nowNs)).errorCode())
                .isEqualTo(Errors.INCONSISTENT_CLUSTER_ID.code());
        assertThat(controller.register(2, Uuid.randomUuid(), controller.image().broker(1).directoryId()).errorCode())
                .isEqualTo(Errors.INVALID_REGISTRATION.code());
        assertThat(controller.register(2, Uuid.randomUuid(), new Uuid(0, 1)).errorCode())
                .isEqualTo(Errors.INVALID_REGISTRATION.code());
    }

    @Test
    void shouldKeepABrokerWithANewDirectoryOutOfIsrsAndLeadershipUntilItIsAccepted() {
        PartitionState p = threeReplicas();
        int wiped = p.leader();
        controller.alterIsr(TOPIC, 0, List.of(wiped, p.replicas().get(1)));
        controller.createTopic("solo", 1, 1, Map.of());
        expire(wiped);
        Uuid newDirectory = Uuid.randomUuid();
        assertThat(controller.register(wiped, Uuid.randomUuid(), newDirectory).errorCode()).isZero();
        controller.heartbeat(wiped, false);
        BrokerRegistration broker = controller.image().broker(wiped);
        assertThat(broker.fenced()).as("it may fetch").isFalse();
        assertThat(broker.directoryPendingReplace()).isTrue();
        PartitionState t0 = controller.partition(TOPIC, 0);
        assertThat(controller.alterIsr(TOPIC, 0, List.of(t0.leader(), wiped)).errorCode())
                .isEqualTo(Errors.INELIGIBLE_REPLICA.code());
        PartitionState solo = controller.partition("solo", 0);
        if (solo.replicas().contains(wiped)) {
            assertThat(solo.leader()).as("nothing is elected from an empty disk").isEqualTo(ClusterImage.NO_LEADER);
        }

        assertThat(controller.commit(controller.rules.acceptDirectory(controller.image(), wiped, Uuid.randomUuid()))
                .error()).isEqualTo(Errors.INVALID_REQUEST);
        ApiError accepted = controller.commit(controller.rules.acceptDirectory(controller.image(), wiped, newDirectory));
        assertThat(accepted.error()).isEqualTo(Errors.NONE);
        assertThat(controller.image().broker(wiped).directoryPendingReplace()).isFalse();
        assertThat(controller.alterIsr(TOPIC, 0, List.of(t0.leader(), wiped)).errorCode()).isZero();
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldRefuseAReplicationFactorAboveTheUnfencedBrokers() {
        controller.startBrokers(2);
        CreatableTopicResult result = controller.createTopic(TOPIC, 3, 3, Map.of());
        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
        assertThat(controller.image().topic(TOPIC)).isNull();
        controller.register(3);
        assertThat(controller.createTopic(TOPIC, 3, 3, Map.of()).errorCode())
                .as("a registered but fenced broker does not count").isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
    }

    @Test
    void shouldSpreadLeadersAndFollowersRoundRobin() {
        controller.startBrokers(3);
        CreatableTopicResult result = controller.createTopic(TOPIC, 6, 2, Map.of());
        assertThat(result.errorCode()).isZero();
        assertThat(result.numPartitions()).isEqualTo(6);
        TopicImage topic = controller.image().topic(TOPIC);
        int[] leaders = new int[4];
        int[] replicas = new int[4];
        topic.partitions().values().forEach(p -> {
            leaders[p.leader()]++;
            p.replicas().forEach(r -> replicas[r]++);
            assertThat(p.leader()).isEqualTo(p.preferredLeader());
            assertThat(p.leaderEpoch()).isZero();
        });
        assertThat(leaders).containsExactly(0, 2, 2, 2);
        assertThat(replicas).containsExactly(0, 4, 4, 4);
        assertThat(controller.createTopic(TOPIC, 1, 1, Map.of()).errorCode()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS.code());
    }

    @Test
    void shouldHandOutDistinctProducerIdBlocks() {
        controller.startBrokers(2);
        AllocateProducerIdsResponseData first = controller.commit(controller.rules.allocateProducerIds(controller.image(),
                new AllocateProducerIdsRequestData().setBrokerId(1).setBrokerEpoch(controller.image().broker(1).brokerEpoch())));
        AllocateProducerIdsResponseData second = controller.commit(controller.rules.allocateProducerIds(controller.image(),
                new AllocateProducerIdsRequestData().setBrokerId(2).setBrokerEpoch(controller.image().broker(2).brokerEpoch())));
        assertThat(first.producerIdStart()).isZero();
        assertThat(first.producerIdLen()).isEqualTo(1000);
        assertThat(second.producerIdStart()).isEqualTo(1000);
        AllocateProducerIdsResponseData stale = controller.commit(controller.rules.allocateProducerIds(controller.image(),
                new AllocateProducerIdsRequestData().setBrokerId(1).setBrokerEpoch(-5)));
        assertThat(stale.errorCode()).isEqualTo(Errors.STALE_BROKER_EPOCH.code());
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldApplySetAndDeleteToTheOverridesItHoldsWhenAlteringConfigsIncrementally() {
        controller.startBrokers(3);
        controller.createTopic(TOPIC, 1, 3, Map.of("retention.ms", "1000", "segment.ms", "5000"));
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData();
        AlterConfigsResource topic = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName(TOPIC);
        topic.configs().add(new AlterableConfig().setName("retention.ms").setConfigOperation(OpType.DELETE.id()));
        topic.configs().add(new AlterableConfig().setName("cleanup.policy").setConfigOperation(OpType.SET.id())
                .setValue("compact"));
        request.resources().add(topic);
        AlterConfigsResource append = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName("other");
        append.configs().add(new AlterableConfig().setName("cleanup.policy").setConfigOperation(OpType.APPEND.id())
                .setValue("compact"));
        request.resources().add(append);

        IncrementalAlterConfigsResponseData answer = controller.commit(controller.rules.alterTopicConfigs(
                controller.image(), request));

        assertThat(answer.responses()).extracting(r -> r.resourceName(), r -> Errors.forCode(r.errorCode()))
                .containsExactly(tuple(TOPIC, Errors.NONE),
                        tuple("other", Errors.INVALID_REQUEST));
        assertThat(controller.image().topic(TOPIC).configs()).isEqualTo(Map.of("segment.ms", "5000",
                "cleanup.policy", "compact"));
        assertReplayRebuildsTheImage();
    }
}
