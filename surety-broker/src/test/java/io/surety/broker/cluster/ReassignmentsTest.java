package io.surety.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * Partition reassignment in the controller's rules on a manual clock ({@link ManualController}):
 * the target's new replicas are added, the reassignment completes when they are all in the ISR
 * (moving leadership off a removed leader), a cancel reverts, and Kafka's errors. Each test ends by
 * replaying its log from scratch and from a snapshot taken while the reassignment was in progress.
 */
class ReassignmentsTest {

    private static final String TOPIC = "t";

    private final ManualController controller = new ManualController(false);
    /** The log size right after a reassignment started: the snapshot point of the replay check. */
    private int inProgressEntries;

    /** Four brokers, topic t with one partition on two of them; returns its replicas, leader first. */
    private List<Integer> twoReplicasOfFour() {
        controller.startBrokers(4);
        assertThat(controller.createTopic(TOPIC, 1, 2, Map.of()).errorCode()).isZero();
        PartitionState p = controller.partition(TOPIC, 0);
        assertThat(p.isr()).containsExactlyInAnyOrderElementsOf(p.replicas());
        List<Integer> replicas = new ArrayList<>(p.replicas());
        replicas.remove(Integer.valueOf(p.leader()));
        replicas.add(0, p.leader());
        return replicas;
    }

    /** A broker of 1..4 that is not among {@code replicas}. */
    private static int otherThan(List<Integer> replicas, int skip) {
        return IntStream.rangeClosed(1, 4).filter(id -> !replicas.contains(id)).skip(skip)
                .findFirst().orElseThrow();
    }

    private ReassignablePartitionResponse reassign(String topic, int partition, List<Integer> target) {
        return reassign(topic, partition, target, true);
    }

    private ReassignablePartitionResponse reassign(String topic, int partition, List<Integer> target,
            boolean allowReplicationFactorChange) {
        AlterPartitionReassignmentsRequestData request = new AlterPartitionReassignmentsRequestData()
                .setAllowReplicationFactorChange(allowReplicationFactorChange);
        request.topics().add(new ReassignableTopic().setName(topic).setPartitions(List.of(
                new ReassignablePartition().setPartitionIndex(partition).setReplicas(target))));
        int before = controller.log.size();
        ReassignablePartitionResponse answer = controller.commit(
                controller.rules.alterPartitionReassignments(controller.image(), request)).responses().get(0)
                .partitions().get(0);
        if (answer.errorCode() != Errors.NONE.code()) {
            assertThat(controller.log).as("a refused reassignment commits nothing").hasSize(before);
        }
        if (controller.partition(TOPIC, 0).reassigning()) {
            inProgressEntries = controller.log.size();
        }
        return answer;
    }

    private List<OngoingPartitionReassignment> listed() {
        ListPartitionReassignmentsResponseData answer = controller.rules.listPartitionReassignments(controller.image(),
                new ListPartitionReassignmentsRequestData().setTopics(null));
        return answer.topics().stream().flatMap(t -> t.partitions().stream()).toList();
    }

    private void assertReplayRebuildsTheImage() {
        assertThat(controller.replayFromScratch()).isEqualTo(controller.image());
        assertThat(inProgressEntries).as("a reassignment was in progress at some point").isPositive();
        assertThat(controller.replayFromSnapshot(inProgressEntries)).isEqualTo(controller.image());
    }

    @Test
    void shouldAddTheNewReplicasAndCompleteWhenTheyJoinTheIsr() {
        List<Integer> original = twoReplicasOfFour();
        int leader = original.get(0);
        int kept = original.get(1);
        int added = otherThan(original, 0);
        PartitionState before = controller.partition(TOPIC, 0);

        assertThat(reassign(TOPIC, 0, List.of(leader, added)).errorCode()).isZero();
        PartitionState moving = controller.partition(TOPIC, 0);
        assertThat(moving.replicas()).containsExactly(leader, added, kept);
        assertThat(moving.addingReplicas()).containsExactly(added);
        assertThat(moving.removingReplicas()).containsExactly(kept);
        assertThat(moving.isr()).isEqualTo(before.isr());
        assertThat(moving.leader()).isEqualTo(leader);
        assertThat(listed()).singleElement().satisfies(p -> {
            assertThat(p.replicas()).containsExactly(leader, added, kept);
            assertThat(p.addingReplicas()).containsExactly(added);
            assertThat(p.removingReplicas()).containsExactly(kept);
        });

        AlterPartitionResponseData.PartitionData joined = controller.alterIsr(TOPIC, 0, List.of(leader, kept, added));
        assertThat(joined.errorCode()).isZero();
        PartitionState done = controller.partition(TOPIC, 0);
        assertThat(done.replicas()).containsExactly(leader, added);
        assertThat(done.isr()).containsExactlyInAnyOrder(leader, added);
        assertThat(done.reassigning()).isFalse();
        assertThat(done.leader()).isEqualTo(leader);
        assertThat(done.leaderEpoch()).as("the leader stays").isEqualTo(before.leaderEpoch());
        assertThat(joined.isr()).containsExactlyInAnyOrder(leader, added);
        assertThat(listed()).isEmpty();
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldElectALeaderFromTheTargetWhenTheLeaderIsRemoved() {
        List<Integer> original = twoReplicasOfFour();
        int leader = original.get(0);
        int kept = original.get(1);
        int added = otherThan(original, 0);
        PartitionState before = controller.partition(TOPIC, 0);

        assertThat(reassign(TOPIC, 0, List.of(kept, added)).errorCode()).isZero();
        AlterPartitionResponseData.PartitionData oldLeaderAsks = controller.alterIsr(TOPIC, 0,
                List.of(leader, kept, added));

        assertThat(oldLeaderAsks.errorCode()).as("the asking leader is told it no longer leads")
                .isEqualTo(Errors.NEW_LEADER_ELECTED.code());
        PartitionState done = controller.partition(TOPIC, 0);
        assertThat(done.replicas()).containsExactly(kept, added);
        assertThat(done.isr()).containsExactlyInAnyOrder(kept, added);
        assertThat(done.leader()).isEqualTo(kept);
        assertThat(done.leaderEpoch()).isEqualTo(before.leaderEpoch() + 1);
        assertThat(done.reassigning()).isFalse();
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldWaitForEveryTargetReplicaBeforeCompleting() {
        List<Integer> original = twoReplicasOfFour();
        int leader = original.get(0);
        int first = otherThan(original, 0);
        int second = otherThan(original, 1);

        assertThat(reassign(TOPIC, 0, List.of(first, second)).errorCode()).isZero();
        assertThat(controller.alterIsr(TOPIC, 0, List.of(leader, original.get(1), first)).errorCode()).isZero();
        PartitionState halfway = controller.partition(TOPIC, 0);
        assertThat(halfway.reassigning()).isTrue();
        assertThat(halfway.replicas()).containsExactly(first, second, leader, original.get(1));

        controller.alterIsr(TOPIC, 0, List.of(leader, original.get(1), first, second));
        PartitionState done = controller.partition(TOPIC, 0);
        assertThat(done.replicas()).containsExactly(first, second);
        assertThat(done.isr()).containsExactlyInAnyOrder(first, second);
        assertThat(done.leader()).isEqualTo(first);
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldRevertToTheOriginalReplicasOnCancel() {
        List<Integer> original = twoReplicasOfFour();
        int leader = original.get(0);
        int first = otherThan(original, 0);
        int second = otherThan(original, 1);
        PartitionState before = controller.partition(TOPIC, 0);
        assertThat(reassign(TOPIC, 0, List.of(first, second)).errorCode()).isZero();
        assertThat(controller.alterIsr(TOPIC, 0, List.of(leader, original.get(1), first)).errorCode()).isZero();

        assertThat(reassign(TOPIC, 0, null).errorCode()).isZero();

        PartitionState reverted = controller.partition(TOPIC, 0);
        assertThat(reverted.replicas()).isEqualTo(before.replicas());
        assertThat(reverted.isr()).containsExactlyInAnyOrderElementsOf(before.isr());
        assertThat(reverted.leader()).isEqualTo(leader);
        assertThat(reverted.reassigning()).isFalse();
        assertThat(listed()).isEmpty();
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldReplaceAReassignmentInProgressWithANewTarget() {
        List<Integer> original = twoReplicasOfFour();
        int first = otherThan(original, 0);
        int second = otherThan(original, 1);
        assertThat(reassign(TOPIC, 0, List.of(original.get(0), first)).errorCode()).isZero();

        assertThat(reassign(TOPIC, 0, List.of(original.get(0), second)).errorCode()).isZero();

        PartitionState moving = controller.partition(TOPIC, 0);
        assertThat(moving.replicas()).containsExactly(original.get(0), second, original.get(1));
        assertThat(moving.addingReplicas()).containsExactly(second);
        assertThat(moving.removingReplicas()).containsExactly(original.get(1));
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldAcceptAFencedButRegisteredBrokerAsTarget() {
        List<Integer> original = twoReplicasOfFour();
        int stopped = otherThan(original, 0);
        for (int i = 0; i < 5; i++) {
            controller.advanceMs(2000);
            for (int id = 1; id <= 4; id++) {
                if (id != stopped && !controller.image().broker(id).fenced()) {
                    controller.heartbeat(id, false);
                }
            }
        }
        controller.fenceExpired();
        assertThat(controller.image().broker(stopped).fenced()).isTrue();

        assertThat(reassign(TOPIC, 0, List.of(original.get(0), stopped)).errorCode()).isZero();

        assertThat(listed()).singleElement().satisfies(p -> assertThat(p.addingReplicas()).containsExactly(stopped));
        assertReplayRebuildsTheImage();
    }

    @Test
    void shouldAnswerKafkasErrorsAndCommitNothing() {
        List<Integer> original = twoReplicasOfFour();
        int other = otherThan(original, 0);

        assertThat(reassign("nope", 0, List.of(1, 2)).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(reassign(TOPIC, 7, List.of(1, 2)).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(reassign(TOPIC, 0, List.of()).errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(reassign(TOPIC, 0, List.of(other, other)).errorCode())
                .isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        ReassignablePartitionResponse unknownBroker = reassign(TOPIC, 0, List.of(original.get(0), 99));
        assertThat(unknownBroker.errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(unknownBroker.errorMessage()).contains("99");
        assertThat(reassign(TOPIC, 0, null).errorCode()).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS.code());
        assertThat(reassign(TOPIC, 0, Arrays.asList(original.get(0), original.get(1), other), false).errorCode())
                .isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
        assertThat(reassign(TOPIC, 0, controller.partition(TOPIC, 0).replicas()).errorCode())
                .as("the current replicas: nothing to do").isZero();
        assertThat(controller.partition(TOPIC, 0).reassigning()).isFalse();
        assertThat(listed()).isEmpty();

        assertThat(reassign(TOPIC, 0, List.of(original.get(0), other)).errorCode()).isZero();
        assertReplayRebuildsTheImage();
    }
}
