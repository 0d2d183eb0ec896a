package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.ClassicGroupStateMachine.Client;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import io.surety.broker.coordinator.CoordinatorRecord.MemberState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.junit.jupiter.api.Test;

/**
 * A bounded stress test of the consumer protocol (an IT only because it takes seconds, not for sockets): 50 members and 500 partitions, members joining
 * one by one and heartbeating in a seeded random order like real clients (owning what the last
 * assignment gave them), until the group is stable. After every step the coordinator's invariants
 * hold (no partition has two owners; replay rebuilds the state).
 */
class ConsumerGroupScaleIT {

    private static final int MEMBERS = 50;
    private static final int PARTITIONS = 500;

    @Test
    void shouldBalanceFiftyMembersOverFiveHundredPartitionsWhenTheyJoinOneByOne() {
        long seed = System.nanoTime();
        System.out.println("ConsumerGroupScaleIT seed " + seed);
        Random random = new Random(seed);
        ManualCoordinator c = new ManualCoordinator(GroupConfig.defaults());
        c.replayCheckEvery(250);
        TopicView.Topic topic = c.addTopic("big", PARTITIONS);
        Map<String, Integer> epochs = new HashMap<>();
        Map<String, List<Integer>> owned = new HashMap<>();
        List<String> members = new ArrayList<>();
        int heartbeats = 0;
        for (int i = 0; i < MEMBERS; i++) {
            String id = "member-" + i;
            members.add(id);
            ConsumerGroupHeartbeatRequestData join = new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId(id)
                    .setMemberEpoch(0).setRebalanceTimeoutMs(60_000).setSubscribedTopicNames(List.of("big"))
                    .setTopicPartitions(List.of());
            record(c.call(ctx -> c.state.consumer().heartbeat(ctx, join, new Client(id, "/h", (short) 1))), id, epochs, owned);
            heartbeats++;
            heartbeats += round(c, topic, members, epochs, owned, random);
        }
        int rounds = 0;
        while (!stable(c) && rounds++ < 20) {
            heartbeats += round(c, topic, members, epochs, owned, random);
        }
        System.out.printf("stable after %d extra rounds, %d heartbeats, %d records%n", rounds, heartbeats, c.written.size());
        assertThat(stable(c)).isTrue();
        c.checkReplay();
        Set<Integer> all = new HashSet<>();
        for (ConsumerMemberState m : c.state.consumerGroup("g").members()) {
            assertThat(m.assigned().size()).isEqualTo(PARTITIONS / MEMBERS);
            all.addAll(m.assigned().partitions().get(topic.id()));
        }
        assertThat(all).hasSize(PARTITIONS);
    }

    private static int round(ManualCoordinator c, TopicView.Topic topic, List<String> members,
            Map<String, Integer> epochs, Map<String, List<Integer>> owned, Random random) {
        List<String> order = new ArrayList<>(members);
        Collections.shuffle(order, random);
        for (String id : order) {
            ConsumerGroupHeartbeatRequestData beat = new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId(id)
                    .setMemberEpoch(epochs.get(id)).setTopicPartitions(List.of(new TopicPartitions()
                            .setTopicId(topic.id()).setPartitions(owned.get(id))));
            ConsumerGroupHeartbeatResponseData response =
                    c.call(ctx -> c.state.consumer().heartbeat(ctx, beat, new Client(id, "/h", (short) 1)));
            assertThat(response.errorCode()).as("heartbeat of %s", id).isZero();
            record(response, id, epochs, owned);
        }
        return order.size();
    }

    private static void record(ConsumerGroupHeartbeatResponseData response, String id, Map<String, Integer> epochs,
            Map<String, List<Integer>> owned) {
        epochs.put(id, response.memberEpoch());
        if (response.assignment() != null) {
            List<Integer> now = new ArrayList<>();
            response.assignment().topicPartitions().forEach(tp -> now.addAll(tp.partitions()));
            owned.put(id, now);
        }
    }

    private static boolean stable(ManualCoordinator c) {
        ConsumerGroup group = c.state.consumerGroup("g");
        if (group.groupEpoch() != group.assignmentEpoch()) {
            return false;
        }
        for (ConsumerMemberState m : group.members()) {
            if (m.state() != MemberState.STABLE || m.memberEpoch() != group.assignmentEpoch()) {
                return false;
            }
        }
        return true;
    }
}
