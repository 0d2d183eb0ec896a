package io.surety.broker.quorum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of one quorum group: a Raft group of the cluster's voters on Apache Ratis, carrying a
 * {@link ReplicatedStateMachine}. This package is the only place that knows Ratis.
 *
 * <p>What it offers: {@link #propose} appends an entry through this member while it leads, fenced by
 * the term its decision was taken in; {@link #request} sends bytes from any member to the current
 * leader's {@link QuorumRequestHandler} and returns its answer ({@link #livenessRequest} the same on a
 * channel of its own); {@link #leaderId} names the leader this member knows of. Thread-safe.
 *
 * <p>Implementation notes: the group id is derived from the cluster id and the group's name, so a
 * member started with another cluster's id cannot join this group, and a cluster can host several
 * groups (the metadata and the coordinator group) on one set of voters and one server. The peer id of a
 * voter is its node id. Ratis itself refuses to count the vote of a member with an empty log once
 * anything was committed, so a member whose disk was wiped cannot help elect a leader that misses
 * committed entries. The quorum's storage is {@code storageDir/<group id>/} (Ratis's layout: log
 * segments, {@code raft-meta} with the term and vote, and the state machine's snapshots).
 *
 * <p>A non-voting member ({@link QuorumSettings#isVoter()} false: a broker-only node) is a Ratis
 * listener: the leader sends it every entry (or a snapshot) as to a follower, but it never votes and
 * is not counted for a commit. It joins a running group by asking the leader to add it to the
 * group's configuration (a Ratis membership change committed through the group), and asks again at
 * every start until the leader agrees; once in the configuration it stays there across restarts.
 *
 * <p>Ratis runs on its gRPC transport with one correction, {@link SnapshotCatchUpRpcType}: a leader
 * sends its snapshot to a member whose next entry it cannot append, where Ratis's own appender
 * would fail and leave that member behind for good.
 */
public final class RatisQuorum implements AutoCloseable {

    static final long LOG_SEGMENT_BYTES = 1024 * 1024;
    /** How many times {@link #request} tries (Ratis's client: a 3 s timeout each). */
    static final int REQUEST_ATTEMPTS = 20;
    static final long REQUEST_RETRY_MS = 250;
    /** The bound of one {@link #request}: a leader that froze holds nothing back for longer. */
    public static final long REQUEST_TIMEOUT_MS = 10_000;
    /** How long a non-voting member waits between two attempts to be added to its group. */
    static final long JOIN_RETRY_MS = 1_000;
    static final int JOIN_ATTEMPTS_PER_WARNING = 30;
    private static final Logger LOG = LoggerFactory.getLogger(RatisQuorum.class);

    private final QuorumSettings settings;
    /** The group as clients see it: its voters, one of which leads. */
    private final RaftGroup group;
    private final RaftPeerId selfId;
    private volatile boolean closed;
    /** Completes once the leader has added this non-voting member to the group; at once for a voter. */
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final RaftServer server;
    private final RaftProperties properties;
    /** TLS for the quorum's server and clients when it is on; empty otherwise. */
    private final Parameters parameters;
    private final SharedServer shared;
    /** Replaced after a failed request (see {@link #request}). */
    private final AtomicReference<RaftClient> requestClient = new AtomicReference<>();
    /** The same, for {@link #livenessRequest} only. */
    private final AtomicReference<RaftClient> livenessClient = new AtomicReference<>();
    /** Replaced after a failed proposal (see {@link #propose}). */
    private final AtomicReference<RaftClient> proposeClient = new AtomicReference<>();

    private RatisQuorum(QuorumSettings settings, RaftGroup group, RaftServer server, RaftProperties properties,
                        Parameters parameters, SharedServer shared) {
        this.settings = settings;
        this.shared = shared;
        this.group = group;
        this.selfId = peerId(settings.selfId());
        this.server = server;
        this.properties = properties;
        this.parameters = parameters;
        this.requestClient.set(newRequestClient());
        this.livenessClient.set(newRequestClient());
        this.proposeClient.set(newProposeClient());
    }

    /**
     * Starts this member of one group: recovers its log and snapshot from {@code settings.storageDir()}
     * (an empty directory starts an empty log) and joins the election of its group. Closing the
     * returned member stops its server.
     *
     * @param groupName names the group; the same name on every voter
     */
    public static RatisQuorum start(QuorumSettings settings, String groupName, ReplicatedStateMachine machine,
                                    QuorumRequestHandler requests, LeadershipListener leadership) throws IOException {
        return startAll(settings, List.of(new QuorumGroup(groupName, machine, requests, leadership))).get(0);
    }

    /**
     * Starts this node's member of each of {@code groups}, all on one Ratis server (one port, one
     * storage directory), in the order given. Each group elects its own leader. The server stops when
     * the last of the returned members is closed.
     *
     * <p>Implementation notes: Ratis builds a server with one group; the others are added to the
     * running server, each formatting its storage the first time and recovering it afterwards. At a
     * restart Ratis already recovers every group whose directory it finds, and adding it again is
     * refused as existing, which is what is wanted.
     */
    public static List<RatisQuorum> startAll(QuorumSettings settings, List<QuorumGroup> groups) throws IOException {
        return startAll(settings, Optional.empty(), groups);
    }

    /**
     * As {@link #startAll(QuorumSettings, List)}, with the quorum's traffic over {@code tls} when given:
     * members and clients without a certificate the others trust are refused at the handshake.
     */
    public static List<RatisQuorum> startAll(QuorumSettings settings, Optional<QuorumTls> tls, List<QuorumGroup> groups)
            throws IOException {
        RaftProperties properties = properties(settings);
        Parameters parameters = tls.map(QuorumTls::parameters).orElseGet(Parameters::new);
        Map<RaftGroupId, RaftGroup> raftGroups = new LinkedHashMap<>();
        Map<RaftGroupId, RatisStateMachine> machines = new HashMap<>();
        for (QuorumGroup spec : groups) {
            List<RaftPeer> peers = new ArrayList<>(settings.voters().stream().map(RatisQuorum::peer).toList());
            if (!settings.isVoter()) {
                peers.add(listener(settings.self()));
            }
            RaftGroup raftGroup = RaftGroup.valueOf(groupId(settings.clusterId(), spec.name()), peers);
            raftGroups.put(raftGroup.getGroupId(), raftGroup);
            machines.put(raftGroup.getGroupId(),
                    new RatisStateMachine(spec.name(), spec.machine(), spec.requests(), spec.leadership()));
        }
        RaftGroup first = raftGroups.values().iterator().next();
        RaftServer server = RaftServer.newBuilder()
                .setServerId(peerId(settings.selfId()))
                .setGroup(first)
                .setStateMachineRegistry(machines::get)
                .setProperties(properties)
                .setParameters(parameters)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        SharedServer shared = new SharedServer(server, groups.size());
        List<RatisQuorum> members = new ArrayList<>();
        try {
            for (RaftGroup raftGroup : raftGroups.values()) {
                if (raftGroup != first) {
                    addGroup(server, settings, raftGroup);
                }
                RaftGroup voters = RaftGroup.valueOf(raftGroup.getGroupId(),
                        settings.voters().stream().map(RatisQuorum::peer).toList());
                members.add(new RatisQuorum(settings, voters, server, properties, parameters, shared));
            }
            members.forEach(RatisQuorum::join);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return members;
    }

    /** Adds {@code raftGroup} to the running {@code server}, unless Ratis recovered it from its storage. */
    private static void addGroup(RaftServer server, QuorumSettings settings, RaftGroup raftGroup) throws IOException {
        for (RaftGroupId running : server.getGroupIds()) {
            if (running.equals(raftGroup.getGroupId())) {
                return;
            }
        }
        boolean format = !Files.isDirectory(settings.storageDir().resolve(raftGroup.getGroupId().getUuid().toString()));
        try {
            RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(ClientId.randomId(),
                    peerId(settings.selfId()), 0, raftGroup, format));
            if (!reply.isSuccess()) {
                throw new IOException("Could not start quorum group " + raftGroup.getGroupId(), reply.getException());
            }
        } catch (AlreadyExistsException recovered) {
            // Ratis recovered it from storage meanwhile.
        }
    }

    /**
     * Completes {@link #joined} for a voter; for a non-voting member, asks the leader to add it as a
     * listener, again every {@value #JOIN_RETRY_MS} ms until the leader agrees or the member closes
     * (while the quorum has no leader, say), on a thread of its own since each attempt blocks. Asking
     * again once added changes nothing.
     */
    private void join() {
        if (settings.isVoter()) {
            joined.complete(null);
            return;
        }
        ScheduledExecutorService joiner = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "surety-quorum-join-" + group.getGroupId());
            thread.setDaemon(true);
            return thread;
        });
        AtomicInteger attempts = new AtomicInteger();
        joiner.scheduleWithFixedDelay(() -> {
            if (closed) {
                joiner.shutdown();
            } else if (askToJoin(attempts.incrementAndGet())) {
                joined.complete(null);
                joiner.shutdown();
            }
        }, 0, JOIN_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * One attempt to be added to the group's configuration as a listener; whether the leader agreed.
     * Every {@value #JOIN_ATTEMPTS_PER_WARNING}th failed attempt is a WARN line: a broker that cannot
     * reach the quorum's leader is worth an operator's look.
     */
    private boolean askToJoin(int attempt) {
        try (RaftClient admin = RaftClient.newBuilder().setProperties(properties).setParameters(parameters)
                .setRaftGroup(group)
                .setClientId(ClientId.randomId()).setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        group.getPeers().size(), TimeDuration.valueOf(REQUEST_RETRY_MS, TimeUnit.MILLISECONDS)))
                .build()) {
            RaftClientReply reply = admin.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInNewConf(List.of())
                    .setListenersInNewConf(List.of(listener(settings.self())))
                    .setMode(SetConfigurationRequest.Mode.ADD).build());
            if (reply.isSuccess()) {
                LOG.info("Node {} is a non-voting member of quorum group {}", settings.selfId(), group.getGroupId());
                return true;
            }
            notYetJoined(attempt, String.valueOf(reply.getException()));
        } catch (IOException | RuntimeException e) {
            notYetJoined(attempt, e.toString());
        }
        return false;
    }

    private void notYetJoined(int attempt, String why) {
        if (attempt % JOIN_ATTEMPTS_PER_WARNING == 0) {
            LOG.warn("Node {} is still not a member of quorum group {} after {} attempts (is a voter of {} reachable "
                    + "and leading?): {}", settings.selfId(), group.getGroupId(), attempt, settings.voters(), why);
        } else {
            LOG.debug("Node {} not yet added to quorum group {}: {}", settings.selfId(), group.getGroupId(), why);
        }
    }

    /**
     * Completes once this member belongs to its group: at once for a voter, for a non-voting member
     * once the leader has added it (from then on it receives the group's entries).
     */
    public CompletableFuture<Void> joined() {
        return joined.copy();
    }

    /** The Raft group id of {@code groupName} in the cluster {@code clusterId}. */
    static RaftGroupId groupId(String clusterId, String groupName) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("surety/" + clusterId + "/" + groupName).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Proposes an entry as the leader of {@code leaderTerm}. The future completes with the entry's
     * log index once it is committed and applied on this member, or fails when this member is not
     * the leader, has lost leadership, or the entry was dropped because it committed in a later term
     * than it was proposed in.
     *
     * <p>Implementation notes: a failed proposal replaces the client. Without retries, Ratis's ordered
     * client closes its window on the first failure, so after a lost leadership every later proposal
     * failed at once ("SlidingWindow ... is closed"), and a member that led again could commit nothing:
     * no fencing, no registration, no ISR change.
     */
    public CompletableFuture<Long> propose(long leaderTerm, byte[] entry) {
        Message message = Message.valueOf(ByteString.copyFrom(QuorumEntry.frame(leaderTerm, entry)));
        RaftClient client = proposeClient.get();
        return client.async().send(message).whenComplete((reply, failure) -> {
            if (failure != null) {
                renew(proposeClient, client, this::newProposeClient);
            }
        }).thenApply(reply -> {
            ByteBuffer answer = answerOf(reply);
            long index = QuorumEntry.answeredIndex(answer);
            if (!QuorumEntry.answeredApplied(answer)) {
                throw new CompletionException(new StaleProposalException(leaderTerm, index));
            }
            return index;
        });
    }

    /**
     * Sends {@code request} to the current leader's {@link QuorumRequestHandler}, following
     * leadership changes for a bounded time ({@value #REQUEST_ATTEMPTS} attempts, {@value
     * #REQUEST_RETRY_MS} ms apart, at most {@value #REQUEST_TIMEOUT_MS} ms in all), and returns its
     * answer.
     *
     * <p>Implementation notes: requests travel on Ratis's ordered path, whose window delivers
     * replies in order, so one request stuck on a leader that froze or died holds back the ones
     * behind it, heartbeats included, for as long as its retries last (about a minute). The overall
     * bound cuts that short: a request unanswered for {@value #REQUEST_TIMEOUT_MS} ms fails, and a
     * failed request replaces the client, whose new window starts empty. (Ratis's unordered path
     * would avoid the wait, but a node restarted in a running cluster could then not reach the
     * leader at all in some runs; that is not understood yet.)
     */
    public CompletableFuture<byte[]> request(byte[] request) {
        return send(requestClient, request, REQUEST_TIMEOUT_MS);
    }

    /**
     * {@link #request} on a channel of its own, bounded by {@code timeoutMs}: for a broker's
     * registration and heartbeats. On the shared channel a heartbeat could wait behind any request
     * stuck on a frozen leader for the whole {@value #REQUEST_TIMEOUT_MS} ms bound, longer than a
     * short broker session, and a new controller would fence a live broker; here it waits behind
     * nothing but earlier heartbeats (one is in flight at a time), and gives up soon enough for the
     * next one to reach the new leader within the session.
     */
    public CompletableFuture<byte[]> livenessRequest(byte[] request, long timeoutMs) {
        return send(livenessClient, request, timeoutMs);
    }

    private CompletableFuture<byte[]> send(AtomicReference<RaftClient> channel, byte[] request, long timeoutMs) {
        RaftClient client = channel.get();
        return client.async().sendReadOnly(Message.valueOf(ByteString.copyFrom(request)))
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .whenComplete((reply, failure) -> {
                    if (failure != null) {
                        renew(channel, client, this::newRequestClient);
                    }
                })
                .thenApply(reply -> {
                    ByteBuffer answer = answerOf(reply);
                    byte[] bytes = new byte[answer.remaining()];
                    answer.get(bytes);
                    return bytes;
                });
    }

    /**
     * Replaces {@code failed}, the client in {@code current}, after a call on it failed or timed out,
     * unless that was done already: a new client starts with an empty window and no stale guess of
     * the leader. Calls still in flight on the old client fail, and their senders retry as after any
     * failure.
     */
    private static void renew(AtomicReference<RaftClient> current, RaftClient failed, Supplier<RaftClient> fresh) {
        RaftClient replacement = fresh.get();
        RaftClient unused = current.compareAndSet(failed, replacement) ? failed : replacement;
        CompletableFuture.runAsync(() -> closeQuietly(unused));
    }

    /** A proposal is a decision taken as leader: it goes to this member only and is never retried elsewhere. */
    private RaftClient newProposeClient() {
        return RaftClient.newBuilder().setProperties(properties).setParameters(parameters)
                .setRaftGroup(group)
                .setClientId(ClientId.randomId()).setLeaderId(selfId).setRetryPolicy(RetryPolicies.noRetry()).build();
    }

    /**
     * A client for requests, starting at the leader this member knows of. Without that hint a new
     * client starts at the group's first peer; were that one frozen, each attempt would wait out
     * Ratis's 3 s call timeout there before trying another, and a request bounded more tightly than
     * that (a heartbeat) would never get past it, however often its client were replaced.
     */
    private RaftClient newRequestClient() {
        RaftClient.Builder builder = RaftClient.newBuilder().setProperties(properties).setParameters(parameters)
                .setRaftGroup(group)
                .setClientId(ClientId.randomId()).setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        REQUEST_ATTEMPTS, TimeDuration.valueOf(REQUEST_RETRY_MS, TimeUnit.MILLISECONDS)));
        leaderId().ifPresent(leader -> builder.setLeaderId(peerId(leader)));
        return builder.build();
    }

    private static void closeQuietly(RaftClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // Nothing to keep: it served its last request.
        }
    }

    /** The leader this member knows of, if any. */
    public OptionalInt leaderId() {
        try {
            Optional<RaftPeerId> leader = Optional.ofNullable(
                    server.getDivision(group.getGroupId()).getInfo().getLeaderId());
            return leader.map(id -> OptionalInt.of(Integer.parseInt(id.toString()))).orElse(OptionalInt.empty());
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * The quorum's state as this member knows it; the followers' progress only while it leads
     * (see {@link QuorumStatus}).
     */
    public QuorumStatus status() {
        try {
            RaftServer.Division division = server.getDivision(group.getGroupId());
            DivisionInfo info = division.getInfo();
            RaftLog log = division.getRaftLog();
            Optional<Integer> leader = Optional.ofNullable(info.getLeaderId()).map(id -> Integer.parseInt(id.toString()));
            List<QuorumStatus.Member> members = new ArrayList<>();
            RoleInfoProto role = info.getRoleInfoProto();
            if (info.isLeader() && role.hasLeaderInfo()) {
                members.add(new QuorumStatus.Member(settings.selfId(), log.getNextIndex() - 1, 0));
                // Ratis lists the followers and their match indices in the same order.
                List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
                long[] matchIndices = info.getFollowerMatchIndices();
                for (int i = 0; i < followers.size() && i < matchIndices.length; i++) {
                    ServerRpcProto follower = followers.get(i);
                    members.add(new QuorumStatus.Member(Integer.parseInt(follower.getId().getId().toStringUtf8()),
                            matchIndices[i], follower.getLastRpcElapsedTimeMs()));
                }
            }
            return new QuorumStatus(leader, info.getCurrentTerm(), log.getLastCommittedIndex(), members);
        } catch (IOException e) {
            return new QuorumStatus(Optional.empty(), -1, -1, List.of());
        }
    }

    /** Whether this member leads its group now and is ready to take decisions. */
    public boolean isLeader() {
        try {
            return server.getDivision(group.getGroupId()).getInfo().isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    /** The index of the last entry applied on this member; -1 before any. */
    public long lastAppliedIndex() {
        try {
            return server.getDivision(group.getGroupId()).getInfo().getLastAppliedIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The index of the last entry in this member's log, committed or not; -1 before any. */
    public long lastLogIndex() {
        try {
            return server.getDivision(group.getGroupId()).getRaftLog().getNextIndex() - 1;
        } catch (IOException e) {
            return -1;
        }
    }

    public QuorumSettings settings() {
        return settings;
    }

    /** Closes this member; the second and later calls do nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            proposeClient.get().close();
            requestClient.get().close();
            livenessClient.get().close();
        } finally {
            shared.release();
        }
    }

    /** The Ratis server the members of one node's groups share: stopped when the last member closes. */
    private static final class SharedServer {
        private final RaftServer server;
        private int open;

        SharedServer(RaftServer server, int members) {
            this.server = server;
            this.open = members;
        }

        synchronized void release() throws IOException {
            if (--open == 0) {
                server.close();
            }
        }
    }

    private static ByteBuffer answerOf(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException());
        }
        return reply.getMessage().getContent().asReadOnlyByteBuffer();
    }

    private static RaftProperties properties(QuorumSettings settings) {
        RaftProperties properties = new RaftProperties();
        properties.set(RaftConfigKeys.Rpc.TYPE_KEY, SnapshotCatchUpRpcType.class.getName());
        RaftServerConfigKeys.setStorageDir(properties, List.of(settings.storageDir().toFile()));
        GrpcConfigKeys.Server.setHost(properties, settings.self().host());
        GrpcConfigKeys.Server.setPort(properties, settings.self().port());
        long electionMs = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(electionMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2 * electionMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(properties,
                TimeDuration.valueOf(3 * electionMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, settings.snapshotEveryEntries());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        // Metadata entries are small: 1 MiB segments (not Ratis's 32 MiB) let a snapshot purge the log
        // before it, and the purge follows every snapshot rather than every 1,024 entries.
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(LOG_SEGMENT_BYTES));
        RaftServerConfigKeys.Log.setPurgeGap(properties,
                (int) Math.min(RaftServerConfigKeys.Log.PURGE_GAP_DEFAULT, settings.snapshotEveryEntries()));
        return properties;
    }

    private static RaftPeer peer(QuorumPeer voter) {
        return RaftPeer.newBuilder().setId(peerId(voter.nodeId())).setAddress(voter.address()).build();
    }

    private static RaftPeer listener(QuorumPeer self) {
        return RaftPeer.newBuilder().setId(peerId(self.nodeId())).setAddress(self.address())
                .setStartupRole(RaftPeerRole.LISTENER).build();
    }

    private static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }
}
