package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.ClassicGroupStateMachine.Client;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsumerGroupStateMachineTest {

    private ManualCoordinator c;
    private TopicView.Topic topic;

    @BeforeEach
    void setUp() {
        c = new ManualCoordinator(GroupConfig.defaults());
        topic = c.addTopic("t", 6);
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData request) {
        return c.call(ctx -> c.state.consumer().heartbeat(ctx, request.setGroupId("g"), new Client("client", "/h", (short) 1)));
    }

    private ConsumerGroupHeartbeatResponseData joinAs(String memberId) {
        return heartbeat(new ConsumerGroupHeartbeatRequestData().setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of()));
    }

    private ConsumerGroupHeartbeatResponseData beat(String memberId, int epoch, List<Integer> owned) {
        ConsumerGroupHeartbeatRequestData request = new ConsumerGroupHeartbeatRequestData().setMemberId(memberId)
                .setMemberEpoch(epoch);
        if (owned != null) {
            request.setTopicPartitions(List.of(new TopicPartitions().setTopicId(topic.id()).setPartitions(owned)));
        }
        return heartbeat(request);
    }

    private static List<Integer> partitions(ConsumerGroupHeartbeatResponseData response) {
        List<Integer> out = new ArrayList<>();
        if (response.assignment() != null) {
            response.assignment().topicPartitions().forEach(tp -> out.addAll(tp.partitions()));
        }
        return out;
    }

    @Test
    void shouldRevokeBeforeReassigningWhenASecondMemberJoins() {
        ConsumerGroupHeartbeatResponseData a = joinAs("a");
        assertThat(a.memberEpoch()).isEqualTo(1);
        assertThat(partitions(a)).containsExactly(0, 1, 2, 3, 4, 5);

        ConsumerGroupHeartbeatResponseData b = joinAs("b");
        assertThat(b.memberEpoch()).isEqualTo(2);
        assertThat(partitions(b)).as("everything is still owned by a").isEmpty();

        ConsumerGroupHeartbeatResponseData aRevoking = beat("a", 1, List.of(0, 1, 2, 3, 4, 5));
        assertThat(aRevoking.memberEpoch()).as("a keeps its epoch until it has revoked").isEqualTo(1);
        List<Integer> aKeeps = partitions(aRevoking);
        assertThat(aKeeps).hasSize(3);
        assertThat(partitions(beat("b", 2, List.of()))).as("nothing released yet").isEmpty();

        ConsumerGroupHeartbeatResponseData aDone = beat("a", 1, aKeeps);
        assertThat(aDone.memberEpoch()).isEqualTo(2);
        ConsumerGroupHeartbeatResponseData bGets = beat("b", 2, List.of());
        assertThat(partitions(bGets)).hasSize(3).doesNotContainAnyElementsOf(aKeeps);
        assertThat(c.state.consumerGroup("g").stateName()).isEqualTo("Stable");
    }

    @Test
    void shouldFenceWrongEpochsAndRefuseUnknownMembers() {
        joinAs("a");
        assertThat(beat("a", 5, null).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        assertThat(beat("nobody", 1, null).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(heartbeat(new ConsumerGroupHeartbeatRequestData().setMemberId("x").setMemberEpoch(0)
                .setRebalanceTimeoutMs(1).setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of())
                .setServerAssignor("sticky")).errorCode()).isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
        assertThat(c.call(ctx -> c.state.consumer().heartbeat(ctx, new ConsumerGroupHeartbeatRequestData().setGroupId("")
                .setMemberId("x").setMemberEpoch(0), new Client("c", "h", (short) 1))).errorCode())
                .isEqualTo(Errors.INVALID_GROUP_ID.code());
    }

    @Test
    void shouldGiveAllPartitionsToTheSurvivorWhenAMemberStopsHeartbeating() {
        joinAs("a");
        joinAs("b");
        List<Integer> aKeeps = partitions(beat("a", 1, List.of(0, 1, 2, 3, 4, 5)));
        beat("a", 1, aKeeps);
        beat("b", 2, List.of());
        long sessionMs = GroupConfig.defaults().consumerSessionTimeoutMs();
        for (int i = 0; i < 4; i++) {
            c.advance(sessionMs / 3);
            beat("b", c.state.consumerGroup("g").member("b").memberEpoch(), null);
        }
        assertThat(c.state.consumerGroup("g").member("a")).isNull();
        ConsumerGroupHeartbeatResponseData b = beat("b", c.state.consumerGroup("g").member("b").memberEpoch(), null);
        assertThat(c.state.consumerGroup("g").member("b").assigned().size()).isEqualTo(6);
        assertThat(b.memberEpoch()).isGreaterThan(2);
    }

    @Test
    void shouldLeaveAndCheckMemberEpochsOnOffsetCommits() {
        int epoch = joinAs("a").memberEpoch();
        assertThat(commit("a", epoch, (short) 9)).isEqualTo(Errors.NONE);
        assertThat(commit("a", epoch - 1, (short) 9)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(commit("ghost", epoch, (short) 9)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("a", epoch, (short) 8)).isEqualTo(Errors.UNSUPPORTED_VERSION);
        assertThat(commit("", -1, (short) 9)).as("the group is not empty").isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        ConsumerGroupHeartbeatResponseData left = beat("a", -1, null);
        assertThat(left.memberEpoch()).isEqualTo(-1);
        assertThat(c.state.consumerGroup("g").stateName()).isEqualTo("Empty");
        assertThat(commit("", -1, (short) 9)).isEqualTo(Errors.NONE);
    }

    private Errors commit(String memberId, int epoch, short version) {
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId("g").setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(epoch);
        request.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(9))));
        return Errors.forCode(c.call(ctx -> c.state.offsetRequests().commit(request, version, ctx))
                .topics().get(0).partitions().get(0).errorCode());
    }
}
