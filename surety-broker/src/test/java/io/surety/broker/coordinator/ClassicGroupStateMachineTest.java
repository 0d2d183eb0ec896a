package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.ClassicGroupStateMachine.Client;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClassicGroupStateMachineTest {

    private static final short V9 = 9;
    private static final int SESSION_MS = 10_000;

    private ManualCoordinator c;

    private static <T> T done(CompletableFuture<T> future) {
        assertThat(future).as("answered").isDone();
        return future.getNow(null);
    }

    @BeforeEach
    void setUp() {
        c = new ManualCoordinator(GroupConfig.defaults());
        c.addTopic("t", 4);
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId, String instanceId, String protocol) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName(protocol).setMetadata(new byte[] {1}));
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId("g").setMemberId(memberId)
                .setGroupInstanceId(instanceId).setProtocolType("consumer").setSessionTimeoutMs(SESSION_MS)
                .setRebalanceTimeoutMs(30_000).setProtocols(protocols);
        CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
        c.run(ctx -> c.state.classicJoins().join(ctx, request, new Client("client", "/127.0.0.1", V9), future));
        return future;
    }

    /** The two-step join of a dynamic member: returns the parked second JoinGroup. */
    private CompletableFuture<JoinGroupResponseData> joinDynamic() {
        JoinGroupResponseData first = done(join("", null, "range"));
        assertThat(first.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        return join(first.memberId(), null, "range");
    }

    private CompletableFuture<SyncGroupResponseData> sync(String memberId, int generation, String... assignTo) {
        SyncGroupRequestData request = new SyncGroupRequestData().setGroupId("g").setMemberId(memberId)
                .setGenerationId(generation).setProtocolType("consumer").setProtocolName("range");
        for (String member : assignTo) {
            request.assignments().add(new SyncGroupRequestAssignment().setMemberId(member).setAssignment(member.getBytes()));
        }
        CompletableFuture<SyncGroupResponseData> future = new CompletableFuture<>();
        c.run(ctx -> c.state.classicSessions().sync(ctx, request, future));
        return future;
    }

    private Errors heartbeat(String memberId, int generation, String instanceId) {
        return Errors.forCode(c.call(ctx -> c.state.classicSessions().heartbeat(ctx, new HeartbeatRequestData()
                .setGroupId("g").setMemberId(memberId).setGenerationId(generation).setGroupInstanceId(instanceId)))
                .errorCode());
    }

    private Errors commit(String memberId, int generation, long offset) {
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId("g").setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation);
        request.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset))));
        return Errors.forCode(c.call(ctx -> c.state.offsetRequests().commit(request, (short) 8, ctx))
                .topics().get(0).partitions().get(0).errorCode());
    }

    private long committed() {
        return c.state.offsetRequests().fetch(new OffsetFetchRequestGroup().setGroupId("g").setTopics(null))
                .topics().stream().flatMap(t -> t.partitions().stream()).findFirst()
                .map(p -> p.committedOffset()).orElse(-1L);
    }

    /** Two dynamic members through the initial delay, the leader's SyncGroup, to Stable generation 1. */
    private String[] stableGroupOfTwo() {
        CompletableFuture<JoinGroupResponseData> a = joinDynamic();
        CompletableFuture<JoinGroupResponseData> b = joinDynamic();
        int delayMs = GroupConfig.defaults().initialRebalanceDelayMs();
        c.advance(delayMs);
        assertThat(a).as("a member joined during the initial delay, which extends it").isNotDone();
        c.advance(delayMs);
        JoinGroupResponseData ja = done(a);
        JoinGroupResponseData jb = done(b);
        assertThat(ja.generationId()).isEqualTo(1).isEqualTo(jb.generationId());
        assertThat(ja.leader()).isEqualTo(jb.leader()).isEqualTo(ja.memberId());
        assertThat(ja.members()).hasSize(2);
        assertThat(jb.members()).isEmpty();
        CompletableFuture<SyncGroupResponseData> follower = sync(jb.memberId(), 1);
        assertThat(follower).isNotDone();
        SyncGroupResponseData leader = done(sync(ja.memberId(), 1, ja.memberId(), jb.memberId()));
        assertThat(leader.assignment()).isEqualTo(ja.memberId().getBytes());
        assertThat(done(follower).assignment()).isEqualTo(jb.memberId().getBytes());
        assertThat(c.state.classic("g").stateName()).isEqualTo("Stable");
        return new String[] {ja.memberId(), jb.memberId()};
    }

    @Test
    void shouldFormAGenerationAndRelayTheLeadersAssignmentWhenTwoMembersJoin() {
        stableGroupOfTwo();
        assertThat(c.written).anyMatch(r -> r instanceof CoordinatorRecord.ClassicGroupSnapshot s
                && s.generation() == 1 && s.members().size() == 2);
    }

    @Test
    void shouldRemoveASilentMemberAndRebalanceWhenItsSessionExpires() {
        String[] ids = stableGroupOfTwo();
        for (int i = 0; i < 4; i++) {
            c.advance(SESSION_MS / 4);
            assertThat(heartbeat(ids[0], 1, null)).isIn(Errors.NONE, Errors.REBALANCE_IN_PROGRESS);
        }
        assertThat(c.state.classic("g").hasMember(ids[1])).isFalse();
        assertThat(heartbeat(ids[0], 1, null)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData rejoin = done(join(ids[0], null, "range"));
        assertThat(rejoin.generationId()).isEqualTo(2);
        assertThat(rejoin.members()).hasSize(1);
    }

    @Test
    void shouldRefuseCommitsFromStaleGenerationsAndUnknownMembersWithoutTouchingOffsets() {
        String[] ids = stableGroupOfTwo();
        assertThat(commit(ids[0], 1, 42)).isEqualTo(Errors.NONE);
        assertThat(commit(ids[0], 0, 7)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit("stranger", 1, 7)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("", -1, 7)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(committed()).isEqualTo(42);
        assertThat(heartbeat(ids[1], 5, null)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(heartbeat("stranger", 1, null)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldAcceptSimpleCommitsWhenTheGroupIsEmpty() {
        assertThat(commit("", -1, 3)).isEqualTo(Errors.NONE);
        assertThat(committed()).isEqualTo(3);
        assertThat(commit("someone", 4, 3)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(committed()).isEqualTo(3);
    }

    @Test
    void shouldReplaceAStaticMemberWithoutRebalanceWhenItRejoinsAStableGroup() {
        CompletableFuture<JoinGroupResponseData> first = join("", "instance-1", "range");
        c.advance(GroupConfig.defaults().initialRebalanceDelayMs());
        String oldId = done(first).memberId();
        done(sync(oldId, 1, oldId));
        JoinGroupResponseData again = done(join("", "instance-1", "range"));
        assertThat(again.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(again.memberId()).isNotEqualTo(oldId);
        assertThat(again.generationId()).isEqualTo(1);
        assertThat(again.skipAssignment()).isTrue();
        assertThat(c.state.classic("g").stateName()).isEqualTo("Stable");
        assertThat(heartbeat(oldId, 1, "instance-1")).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(heartbeat(again.memberId(), 1, "instance-1")).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldRebalanceWhenAMemberLeaves() {
        String[] ids = stableGroupOfTwo();
        var leave = c.call(ctx -> c.state.classicSessions().leave(ctx, new LeaveGroupRequestData().setGroupId("g")
                .setMembers(List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(ids[1]))), (short) 5));
        assertThat(leave.members().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(c.state.classic("g").stateName()).isEqualTo("PreparingRebalance");
        assertThat(done(join(ids[0], null, "range")).generationId()).isEqualTo(2);
    }

    @Test
    void shouldAnswerKafkasErrorsWhenJoinRequestsAreInvalid() {
        JoinGroupRequestData empty = new JoinGroupRequestData().setGroupId("").setMemberId("").setProtocolType("consumer")
                .setSessionTimeoutMs(SESSION_MS);
        CompletableFuture<JoinGroupResponseData> f = new CompletableFuture<>();
        c.run(ctx -> c.state.classicJoins().join(ctx, empty, new Client("c", "h", V9), f));
        assertThat(done(f).errorCode()).isEqualTo(Errors.INVALID_GROUP_ID.code());
        JoinGroupRequestData tooShort = new JoinGroupRequestData().setGroupId("g").setMemberId("").setProtocolType("consumer")
                .setSessionTimeoutMs(10);
        CompletableFuture<JoinGroupResponseData> g = new CompletableFuture<>();
        c.run(ctx -> c.state.classicJoins().join(ctx, tooShort, new Client("c", "h", V9), g));
        assertThat(done(g).errorCode()).isEqualTo(Errors.INVALID_SESSION_TIMEOUT.code());
        CompletableFuture<JoinGroupResponseData> unknown = join("nobody", null, "range");
        assertThat(done(unknown).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        stableGroupOfTwo();
        assertThat(done(join("", null, "roundrobin")).errorCode()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
    }
}
