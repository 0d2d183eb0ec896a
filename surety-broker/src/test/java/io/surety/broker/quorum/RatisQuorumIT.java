package io.surety.broker.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.harness.FreePorts;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three quorum members on 127.0.0.1 in one JVM, each with its own storage: what the cluster's
 * metadata relies on — one order of applied entries on every member, leadership that moves when
 * the leader stops, members that come back from their storage (log or snapshot) with the same
 * state, and decisions of a past term never applied.
 */
class RatisQuorumIT {

    private static final Duration ELECTION = Duration.ofMillis(500);
    private static final String CLUSTER = "cQuorumTestCluster0000A";

    @TempDir
    Path dir;

    private List<QuorumPeer> voters;
    private final Member[] members = new Member[3];

    @BeforeEach
    void startThree() throws IOException {
        List<Integer> ports = FreePorts.find(3);
        voters = List.of(new QuorumPeer(1, "127.0.0.1", ports.get(0)),
                new QuorumPeer(2, "127.0.0.1", ports.get(1)),
                new QuorumPeer(3, "127.0.0.1", ports.get(2)));
        for (int i = 0; i < 3; i++) {
            members[i] = start(i + 1, 20);
        }
    }

    @AfterEach
    void stopAll() throws IOException {
        for (Member member : members) {
            if (member != null) {
                member.quorum.close();
            }
        }
    }

    @Test
    void shouldApplyTheSameEntriesInTheSameOrderOnEveryMember() {
        Member leader = awaitLeader();
        for (int i = 0; i < 30; i++) {
            leader.proposeNow("e" + i);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add("e" + i);
        }
        for (Member member : members) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> member.machine.entries.size() == 30);
            assertThat(member.machine.entries).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldAnswerARequestFromAFollowerOnTheLeader() {
        Member leader = awaitLeader();
        Member follower = Arrays.stream(members).filter(m -> m != leader).findFirst().orElseThrow();

        byte[] answer = follower.quorum.request("who".getBytes(StandardCharsets.UTF_8)).join();

        assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("node " + leader.nodeId + " answers who");
    }

    @Test
    void shouldAnswerALivenessRequestWhileAnotherRequestIsStuckOnTheLeader() throws Exception {
        Member leader = awaitLeader();
        Member follower = Arrays.stream(members).filter(m -> m != leader).findFirst().orElseThrow();
        follower.quorum.request(bytes("who")).get(10, TimeUnit.SECONDS);

        CompletableFuture<byte[]> stuck = follower.quorum.request(bytes("stall"));
        CompletableFuture<byte[]> behindIt = follower.quorum.request(bytes("heartbeat"));
        byte[] heartbeat = follower.quorum.livenessRequest(bytes("heartbeat"), 5_000).get(5, TimeUnit.SECONDS);

        assertThat(new String(heartbeat, StandardCharsets.UTF_8)).isEqualTo("node " + leader.nodeId + " answers heartbeat");
        // On the shared channel replies come in order: the one behind the stuck request waits with it.
        assertThat(stuck).isNotDone();
        assertThat(behindIt).isNotDone();
    }

    @Test
    void shouldNotApplyAProposalDecidedInAnotherTerm() {
        Member leader = awaitLeader();
        long staleTerm = leader.term.get() - 1;

        assertThatThrownBy(() -> leader.quorum.propose(staleTerm, bytes("stale")).join())
                .hasCauseInstanceOf(StaleProposalException.class);
        leader.proposeNow("fresh");

        for (Member member : members) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> member.machine.entries.contains("fresh"));
            assertThat(member.machine.entries).doesNotContain("stale");
        }
    }

    @Test
    void shouldElectAnotherLeaderAndKeepEveryCommittedEntryWhenTheLeaderStops() throws IOException {
        Member first = awaitLeader();
        first.proposeNow("before");
        first.quorum.close();
        members[first.nodeId - 1] = null;

        Member second = awaitLeader();
        assertThat(second.nodeId).isNotEqualTo(first.nodeId);
        assertThat(first.lostLeadership).isPositive();
        second.proposeNow("after");

        Member back = start(first.nodeId, 20);
        members[first.nodeId - 1] = back;
        await().atMost(15, TimeUnit.SECONDS).until(() -> back.machine.entries.contains("after"));
        assertThat(back.machine.entries).containsExactly("before", "after");
    }

    @Test
    void shouldCommitOnANewLeaderWhoseProposalsFailedWhileItFollowed() throws IOException {
        Member first = awaitLeader();
        first.proposeNow("before");
        for (Member member : members) {
            if (member != first) {
                assertThatThrownBy(() -> member.quorum.propose(first.term.get(), bytes("from a follower")).join())
                        .as("node %d does not lead", member.nodeId).isNotNull();
            }
        }

        first.quorum.close();
        members[first.nodeId - 1] = null;
        Member second = awaitLeader();
        second.proposeNow("after");

        await().atMost(10, TimeUnit.SECONDS).until(() -> second.machine.entries.contains("after"));
        assertThat(second.machine.entries).containsExactly("before", "after");
    }

    @Test
    void shouldBringAMemberBackFromASnapshotWhenTheLogItMissedWasPurged() throws IOException {
        Member leader = awaitLeader();
        Member lagging = Arrays.stream(members).filter(m -> m != leader).findFirst().orElseThrow();
        lagging.quorum.close();
        members[lagging.nodeId - 1] = null;
        // Entries large enough to fill more than one log segment, so the snapshot purges a closed one.
        String padding = "x".repeat((int) (2 * RatisQuorum.LOG_SEGMENT_BYTES / 60));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            leader.proposeNow("s" + i + padding);
            expected.add("s" + i + padding);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> leader.machine.snapshotsWritten.get() > 0);

        Member back = start(lagging.nodeId, 20);
        members[lagging.nodeId - 1] = back;

        await().atMost(20, TimeUnit.SECONDS).until(() -> back.machine.entries.size() == 60);
        assertThat(back.machine.entries).containsExactlyElementsOf(expected);
        assertThat(back.machine.restores.get()).as("caught up by installing the leader's snapshot").isPositive();
    }

    /**
     * A stopped leader comes back with every entry of its term, and nothing after: its log ends just
     * where the next leader's term begins, which is where Ratis starts a new log segment. Meanwhile
     * the new leader wrote a snapshot and purged the segment before its term, so it has neither the
     * entry before the one the member needs next nor a snapshot ending there. Ratis's appender then
     * failed on a missing "previous" entry and stopped for good: the member never caught up, and
     * with another member down the group could commit nothing.
     */
    @Test
    void shouldCatchUpAFormerLeaderWhoseLastEntryTheNewLeaderPurged() throws Exception {
        Member first = awaitLeader();
        for (int i = 0; i < 5; i++) {
            first.proposeNow("before-" + i);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> Arrays.stream(members)
                .allMatch(m -> m.machine.entries.contains("before-4")));
        first.quorum.close();
        members[first.nodeId - 1] = null;

        Member second = awaitLeader();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add("before-" + i);
        }
        for (int i = 0; i < 45; i++) {
            second.proposeNow("after-" + i);
            expected.add("after-" + i);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> second.machine.snapshotsWritten.get() > 0);

        Member back = start(first.nodeId, 20);
        members[first.nodeId - 1] = back;
        await().atMost(20, TimeUnit.SECONDS).until(() -> back.machine.entries.size() == expected.size());
        assertThat(back.machine.entries).containsExactlyElementsOf(expected);
        assertThat(back.machine.restores.get()).as("caught up by installing the leader's snapshot").isPositive();

        // The third member stops: the group commits only if the one that came back follows again.
        Member third = Arrays.stream(members).filter(m -> m != null && m != second && m != back)
                .findFirst().orElseThrow();
        third.quorum.close();
        members[third.nodeId - 1] = null;
        second.quorum.propose(second.term.get(), bytes("with the one back")).get(20, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> back.machine.entries.contains("with the one back"));
    }

    @Test
    void shouldLetANonVotingMemberJoinARunningQuorumAndFollowItWithoutCountingForAMajority() throws Exception {
        Member leader = awaitLeader();
        for (int i = 0; i < 30; i++) {
            leader.proposeNow("before-" + i);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> leader.machine.snapshotsWritten.get() > 0);
        QuorumPeer self = new QuorumPeer(4, "127.0.0.1", FreePorts.find(1).get(0));
        Member observer = startNonVoter(self);
        try {
            observer.quorum.joined().get(20, TimeUnit.SECONDS);
            leader.proposeNow("after");
            await().atMost(20, TimeUnit.SECONDS).until(() -> observer.machine.entries.contains("after"));
            assertThat(observer.machine.entries).as("what was committed before it joined, then after")
                    .containsSubsequence("before-0", "before-29", "after").endsWith("after");
            assertThat(observer.quorum.leaderId()).hasValue(leader.nodeId);

            // Two voters of three gone: no majority, whatever the observer does, and it never leads.
            Member[] others = Arrays.stream(members).filter(m -> m != leader).toArray(Member[]::new);
            for (Member other : others) {
                other.quorum.close();
                members[other.nodeId - 1] = null;
            }
            CompletableFuture<Long> withoutMajority = leader.quorum.propose(leader.term.get(), bytes("no majority"));
            await().during(Duration.ofSeconds(3)).atMost(5, TimeUnit.SECONDS).until(() ->
                    !(withoutMajority.isDone() && !withoutMajority.isCompletedExceptionally())
                            && !observer.machine.entries.contains("no majority"));
            assertThat(observer.quorum.isLeader()).isFalse();
            assertThat(observer.term.get()).as("terms the observer led").isZero();

            // With the voters back, it restarts from its own storage as a member of the group.
            for (Member other : others) {
                members[other.nodeId - 1] = start(other.nodeId, 20);
            }
            observer.quorum.close();
            Member back = startNonVoter(self);
            try {
                back.quorum.joined().get(20, TimeUnit.SECONDS);
                await().atMost(10, TimeUnit.SECONDS).until(() -> back.machine.entries.contains("after"));
            } finally {
                back.quorum.close();
            }
        } finally {
            observer.quorum.close();
        }
    }

    private Member startNonVoter(QuorumPeer self) throws IOException {
        QuorumSettings settings = new QuorumSettings(CLUSTER, self, voters, dir.resolve("node-" + self.nodeId()),
                ELECTION, 20);
        ListMachine machine = new ListMachine();
        Member member = new Member(self.nodeId(), machine);
        member.quorum = RatisQuorum.start(settings, "metadata", machine,
                request -> CompletableFuture.completedFuture(bytes("never leads")), member);
        return member;
    }

    private Member awaitLeader() {
        await().atMost(20, TimeUnit.SECONDS).until(() -> Arrays.stream(members)
                .filter(m -> m != null && m.quorum.isLeader() && m.term.get() > 0).count() == 1);
        return Arrays.stream(members).filter(m -> m != null && m.quorum.isLeader()).findFirst().orElseThrow();
    }

    private Member start(int nodeId, long snapshotEvery) throws IOException {
        QuorumSettings settings = QuorumSettings.voter(CLUSTER, nodeId, voters, dir.resolve("node-" + nodeId),
                ELECTION, snapshotEvery);
        ListMachine machine = new ListMachine();
        Member member = new Member(nodeId, machine);
        member.quorum = RatisQuorum.start(settings, "metadata", machine, request -> {
            String text = new String(request, StandardCharsets.UTF_8);
            // "stall" is never answered: a request stuck on its leader, as on a leader that froze.
            return text.equals("stall") ? new CompletableFuture<>()
                    : CompletableFuture.completedFuture(bytes("node " + nodeId + " answers " + text));
        }, member);
        return member;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final class Member implements LeadershipListener {
        final int nodeId;
        final ListMachine machine;
        final AtomicLong term = new AtomicLong();
        volatile int lostLeadership;
        RatisQuorum quorum;

        Member(int nodeId, ListMachine machine) {
            this.nodeId = nodeId;
            this.machine = machine;
        }

        void proposeNow(String entry) {
            quorum.propose(term.get(), bytes(entry)).join();
        }

        @Override
        public void becameLeader(long leaderTerm) {
            term.set(leaderTerm);
        }

        @Override
        public void lostLeadership() {
            lostLeadership++;
        }
    }

    /** The replicated state of the test: the entries applied, in order. */
    private static final class ListMachine implements ReplicatedStateMachine {
        final List<String> entries = new CopyOnWriteArrayList<>();
        final AtomicLong snapshotsWritten = new AtomicLong();
        final AtomicLong restores = new AtomicLong();
        private long lastIndex = -1;

        @Override
        public void apply(long index, byte[] entry) {
            assertThat(index).as("entries arrive in log order").isGreaterThan(lastIndex);
            lastIndex = index;
            entries.add(new String(entry, StandardCharsets.UTF_8));
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            DataOutputStream data = new DataOutputStream(out);
            data.writeLong(lastIndex);
            data.writeInt(entries.size());
            for (String entry : entries) {
                data.writeUTF(entry);
            }
            data.flush();
            snapshotsWritten.incrementAndGet();
        }

        @Override
        public void restore(InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            lastIndex = data.readLong();
            int count = data.readInt();
            List<String> restored = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                restored.add(data.readUTF());
            }
            entries.clear();
            entries.addAll(restored);
            restores.incrementAndGet();
        }
    }
}
