package io.surety.broker.quorum;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis side of one quorum group: hands committed entries to a {@link ReplicatedStateMachine},
 * writes and loads its snapshots, answers leader requests through a {@link QuorumRequestHandler} and
 * reports leadership to a {@link LeadershipListener}.
 *
 * <p>Threading: Ratis calls {@code applyTransaction}, {@code takeSnapshot} and {@code reinitialize}
 * from the group's single state-machine updater thread, so the state machine is only ever touched
 * by that thread (initialisation happens before the thread starts). {@code query} and the leadership
 * notifications arrive on other Ratis threads and never touch the state machine.
 *
 * <p>Implementation notes: a snapshot is one file, {@code snapshot.<term>_<index>} in Ratis's
 * state-machine directory, written to a temporary name, fsynced and renamed, with the MD5 file Ratis
 * checks when it sends the snapshot to a lagging follower. An exception from
 * {@link ReplicatedStateMachine#apply} propagates: Ratis then stops this member rather than let it
 * serve a state that differs from its peers'.
 */
final class RatisStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(RatisStateMachine.class);

    private final String groupName;
    private final ReplicatedStateMachine machine;
    private final QuorumRequestHandler requests;
    private final LeadershipListener leadership;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private volatile boolean leading;

    RatisStateMachine(String groupName, ReplicatedStateMachine machine, QuorumRequestHandler requests,
                      LeadershipListener leadership) {
        this.groupName = groupName;
        this.machine = machine;
        this.requests = requests;
        this.leadership = leadership;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            restoreLatestSnapshot();
        });
    }

    @Override
    public void pause() {
        // Ratis pauses the state machine before it installs a snapshot from the leader.
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        // A snapshot was installed from the leader: the state is replaced by it.
        restoreLatestSnapshot();
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ByteBuffer framed = entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer();
        long proposerTerm = QuorumEntry.proposerTerm(framed);
        boolean current = proposerTerm == entry.getTerm();
        if (current) {
            machine.apply(entry.getIndex(), QuorumEntry.payload(framed));
        } else {
            LOG.info("{}: dropped entry {} proposed in term {} but committed in term {}",
                    groupName, entry.getIndex(), proposerTerm, entry.getTerm());
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(
                Message.valueOf(ByteString.copyFrom(QuorumEntry.answer(entry.getIndex(), current))));
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File temporary = new File(file.getPath() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary.toPath(), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel))) {
            machine.writeSnapshot(out);
            out.flush();
            channel.force(true);
        }
        Files.move(temporary.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info("{}: snapshot at index {} (term {}), {} bytes", groupName, last.getIndex(), last.getTerm(),
                file.length());
        return last.getIndex();
    }

    private void restoreLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            machine.restore(in);
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.info("{}: restored the snapshot at index {} (term {})", groupName, snapshot.getIndex(), snapshot.getTerm());
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        return requests.handle(request.getContent().toByteArray())
                .thenApply(answer -> Message.valueOf(ByteString.copyFrom(answer)));
    }

    @Override
    public void notifyLeaderReady() {
        try {
            long term = getServer().get().getDivision(getGroupId()).getInfo().getCurrentTerm();
            leading = true;
            leadership.becameLeader(term);
        } catch (IOException | InterruptedException | ExecutionException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("{}: leading, but the term could not be read; not acting as leader", groupName, e);
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeaderId) {
        if (!member.getPeerId().equals(newLeaderId)) {
            stepDown();
        }
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        stepDown();
    }

    @Override
    public void notifyServerShutdown(RoleInfoProto roleInfo, boolean allServer) {
        stepDown();
    }

    private void stepDown() {
        if (leading) {
            leading = false;
            leadership.lostLeadership();
        }
    }
}
