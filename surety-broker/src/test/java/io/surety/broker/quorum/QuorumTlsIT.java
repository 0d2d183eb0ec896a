package io.surety.broker.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.Keytool;
import io.surety.broker.config.TlsConfig;
import io.surety.harness.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quorum's traffic under mutual TLS: three members that trust one certificate commit and
 * apply entries as before, while a Ratis client of an intruder's own, which sends a well-formed
 * proposal in the leader's term straight to the quorum port, is refused without a certificate and
 * with one the members do not trust, and nothing it sent is applied. The same intruder on a
 * quorum without TLS gets its forged entry applied everywhere: what the TLS is for.
 */
class QuorumTlsIT {

    private static final String PASSWORD = "quorum-test-secret";
    private static final String CLUSTER = "cQuorumTlsCluster00000A";

    @TempDir
    static Path keys;

    @TempDir
    Path dir;

    private final List<RatisQuorum> quorums = new ArrayList<>();
    private final List<Machine> machines = new ArrayList<>();

    @BeforeAll
    static void makeKeystores() throws Exception {
        Keytool.selfSigned(keys.resolve("member.p12"), "member", "localhost", PASSWORD);
        Keytool.trust(keys.resolve("member.p12"), "member", keys.resolve("member-trust.p12"), PASSWORD);
        Keytool.selfSigned(keys.resolve("intruder.p12"), "intruder", "localhost", PASSWORD);
    }

    @AfterEach
    void stop() throws IOException {
        for (RatisQuorum quorum : quorums) {
            quorum.close();
        }
    }

    private static QuorumTls tls(String keystore) {
        return QuorumTls.from("CONTROLLER", TlsConfig.forListener(Map.of(
                "ssl.keystore.location", keys.resolve(keystore).toString(),
                "ssl.keystore.password", PASSWORD,
                "ssl.truststore.location", keys.resolve("member-trust.p12").toString(),
                "ssl.truststore.password", PASSWORD), "CONTROLLER"));
    }

    /** Three members, over {@code tls} when given; returns the voters. */
    private List<QuorumPeer> startThree(Optional<QuorumTls> tls) throws IOException {
        List<Integer> ports = FreePorts.find(3);
        List<QuorumPeer> voters = List.of(new QuorumPeer(1, "localhost", ports.get(0)),
                new QuorumPeer(2, "localhost", ports.get(1)), new QuorumPeer(3, "localhost", ports.get(2)));
        for (QuorumPeer voter : voters) {
            Machine machine = new Machine();
            QuorumSettings settings = QuorumSettings.voter(CLUSTER, voter.nodeId(), voters,
                    dir.resolve("node-" + voter.nodeId()), Duration.ofMillis(500), 1000);
            quorums.add(RatisQuorum.startAll(settings, tls, List.of(new QuorumGroup("metadata", machine,
                    request -> CompletableFuture.completedFuture(request), machine))).get(0));
            machines.add(machine);
        }
        return voters;
    }

    private RatisQuorum awaitLeader() {
        await().atMost(30, TimeUnit.SECONDS).until(() -> quorums.stream().anyMatch(RatisQuorum::isLeader)
                && machines.stream().anyMatch(m -> m.term.get() > 0));
        return quorums.stream().filter(RatisQuorum::isLeader).findFirst().orElseThrow();
    }

    private long leaderTerm() {
        return machines.stream().mapToLong(m -> m.term.get()).max().orElseThrow();
    }

    /** Proposes {@code entry} as the leader and waits until every member applied it. */
    private void commitEverywhere(String entry) {
        awaitLeader().propose(leaderTerm(), entry.getBytes(StandardCharsets.UTF_8)).join();
        await().atMost(20, TimeUnit.SECONDS).until(() -> machines.stream().allMatch(m -> m.entries.contains(entry)));
    }

    /** An intruder's own Ratis client proposing {@code entry} in the leader's term, as a member's proposal looks. */
    private void intrude(List<QuorumPeer> voters, Parameters parameters, String entry) throws Exception {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
        List<RaftPeer> peers = voters.stream().map(v -> RaftPeer.newBuilder().setId(RaftPeerId.valueOf(
                Integer.toString(v.nodeId()))).setAddress(v.address()).build()).toList();
        try (RaftClient intruder = RaftClient.newBuilder().setProperties(properties).setParameters(parameters)
                .setRaftGroup(RaftGroup.valueOf(RatisQuorum.groupId(CLUSTER, "metadata"), peers))
                .setClientId(ClientId.randomId())
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(3, TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build()) {
            intruder.async().send(Message.valueOf(ByteString.copyFrom(QuorumEntry.frame(leaderTerm(),
                    entry.getBytes(StandardCharsets.UTF_8))))).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCommitAmongMembersAndRefuseAnIntruderWithoutTheClustersCertificate() throws Exception {
        List<QuorumPeer> voters = startThree(Optional.of(tls("member.p12")));
        commitEverywhere("e0");
        commitEverywhere("e1");

        assertThatThrownBy(() -> intrude(voters, new Parameters(), "forged-plaintext"))
                .as("no certificate, no TLS").isInstanceOf(Exception.class);
        assertThatThrownBy(() -> intrude(voters, tls("intruder.p12").parameters(), "forged-untrusted"))
                .as("a certificate the members do not trust").isInstanceOf(Exception.class);

        commitEverywhere("e2");
        for (Machine machine : machines) {
            assertThat(machine.entries).containsExactly("e0", "e1", "e2");
        }
    }

    @Test
    void shouldApplyTheIntrudersEntryOnAQuorumWithoutTls() throws Exception {
        List<QuorumPeer> voters = startThree(Optional.empty());
        commitEverywhere("e0");
        intrude(voters, new Parameters(), "forged");
        await().atMost(20, TimeUnit.SECONDS).until(() -> machines.stream().allMatch(m -> m.entries.contains("forged")));
    }

    /** The entries applied, in order, and the term this member last led in. */
    private static final class Machine implements ReplicatedStateMachine, LeadershipListener {
        final List<String> entries = new CopyOnWriteArrayList<>();
        final AtomicLong term = new AtomicLong();

        @Override
        public void apply(long index, byte[] entry) {
            entries.add(new String(entry, StandardCharsets.UTF_8));
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            throw new IOException("no snapshots in this test");
        }

        @Override
        public void restore(InputStream in) throws IOException {
            throw new IOException("no snapshots in this test");
        }

        @Override
        public void becameLeader(long leaderTerm) {
            term.set(leaderTerm);
        }

        @Override
        public void lostLeadership() {
        }
    }
}
