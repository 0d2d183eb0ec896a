package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.coordinator.ClassicGroup.State;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The group checks OffsetCommit and TxnOffsetCommit share, and the codes where Kafka answers them differently. */
class OffsetCommitCheckTest {

    private static final short V8 = 8;
    private static final short V9 = 9;

    @Test
    void shouldAcceptACommitWithoutGenerationIntoAnUnknownOrEmptyGroup() {
        ClassicGroup empty = new ClassicGroup("g", 0);

        assertThat(OffsetCommitCheck.offsetCommit(null, -1, "", null, V9)).isEqualTo(Errors.NONE);
        assertThat(OffsetCommitCheck.txnOffsetCommit(null, -1, "", null)).isEqualTo(Errors.NONE);
        assertThat(OffsetCommitCheck.offsetCommit(empty, -1, "", null, V9)).isEqualTo(Errors.NONE);
        assertThat(OffsetCommitCheck.txnOffsetCommit(empty, -1, "", null)).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldAnswerAGenerationForAnUnknownGroupByApiAndVersion() {
        assertThat(OffsetCommitCheck.offsetCommit(null, 3, "m", null, V8)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(OffsetCommitCheck.offsetCommit(null, 3, "m", null, V9)).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(OffsetCommitCheck.txnOffsetCommit(null, 3, "m", null)).isEqualTo(Errors.ILLEGAL_GENERATION);
    }

    @Test
    void shouldRefuseAStaleOrUnknownClassicMemberAlike() {
        ClassicGroup group = groupWithMember("m", State.STABLE);

        assertThat(OffsetCommitCheck.offsetCommit(group, 0, "stranger", null, V9)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(OffsetCommitCheck.txnOffsetCommit(group, 0, "stranger", null)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(OffsetCommitCheck.offsetCommit(group, 7, "m", null, V9)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(OffsetCommitCheck.txnOffsetCommit(group, 7, "m", null)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(OffsetCommitCheck.offsetCommit(group, 0, "m", null, V9)).isEqualTo(Errors.NONE);
        assertThat(OffsetCommitCheck.txnOffsetCommit(group, 0, "m", null)).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldHoldOnlyPlainCommitsWhileAClassicGroupCompletesARebalance() {
        ClassicGroup group = groupWithMember("m", State.COMPLETING_REBALANCE);

        assertThat(OffsetCommitCheck.offsetCommit(group, 0, "m", null, V9)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(OffsetCommitCheck.txnOffsetCommit(group, 0, "m", null)).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldRefuseOnlyAPlainMemberlessCommitIntoANonEmptyClassicGroup() {
        ClassicGroup group = groupWithMember("m", State.STABLE);

        assertThat(OffsetCommitCheck.offsetCommit(group, -1, "", null, V9)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(OffsetCommitCheck.txnOffsetCommit(group, -1, "", null)).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldSendADeadGroupsCommitsToTheCoordinatorAgain() {
        ClassicGroup group = groupWithMember("m", State.DEAD);

        assertThat(OffsetCommitCheck.offsetCommit(group, 0, "m", null, V9)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(OffsetCommitCheck.txnOffsetCommit(group, 0, "m", null)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
    }

    private static ClassicGroup groupWithMember(String memberId, State state) {
        ClassicGroup group = new ClassicGroup("g", 0);
        group.add(new ClassicMember(memberId, null, "client", "/127.0.0.1", 30_000, 10_000, List.of()));
        group.transitionTo(State.PREPARING_REBALANCE, 0);
        if (state != State.PREPARING_REBALANCE) {
            group.transitionTo(state, 0);
        }
        return group;
    }
}
