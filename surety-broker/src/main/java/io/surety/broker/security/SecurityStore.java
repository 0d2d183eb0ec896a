package io.surety.broker.security;

import io.surety.broker.log.FramedJournal;
import io.surety.broker.log.FramedJournal.UndecodableFrameException;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.StartRefusedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * The broker's durable security state: SCRAM credentials and ACLs, stored as Kafka's own metadata
 * records ({@code UserScramCredentialRecord}, {@code AccessControlEntryRecord} and their removals)
 * in a {@link FramedJournal} under {@code <data>/security/}, directory 0700 and files 0600. One
 * change is one frame, so it is replayed whole or not at all, as Kafka's controller applies one
 * request's records atomically.
 *
 * <p>Order of a change: decide (under the lock, against every earlier change), append and fsync,
 * then replay into the {@link SecurityState}s, then answer. Nobody is told of a change that a crash
 * could lose, and nothing reads a change before it is durable. At start every stored record is
 * replayed before {@link #open} returns, so the broker opens its listeners with its users and ACLs
 * loaded. A torn last frame (a crash mid-append) is cut; an undecodable whole frame refuses the
 * start (see {@link FramedJournal}).
 *
 * <p>The journal is rewritten from the states' snapshots once it is several times larger than they
 * are, so it stays bounded however often users and ACLs change.
 *
 * <p>Thread-safe: changes are serialised by the store's lock (security changes are rare admin
 * requests; the fsync on the caller's thread is the price).
 */
public final class SecurityStore implements AutoCloseable {

    /** The store's directory under the data directory: Surety's own name, not Kafka's metadata log. */
    public static final String DIRECTORY = "security";
    /** No compaction below this size. */
    private static final long COMPACTION_MIN_BYTES = 1 << 20;
    private static final int SNAPSHOT_RECORDS_PER_FRAME = 1000;

    private final SecurityStates states;
    private final long compactionMinBytes;
    private FramedJournal journal;

    private SecurityStore(List<SecurityState> states, long compactionMinBytes) {
        this.states = new SecurityStates(states);
        this.compactionMinBytes = compactionMinBytes;
    }

    /**
     * Opens (or creates) the store under {@code dataDir} and replays every stored record into
     * {@code states}.
     *
     * @throws StartRefusedException when a stored change cannot be decoded or names a record type no
     *     state replays (a newer Surety wrote it, or it is damaged)
     */
    public static SecurityStore open(Path dataDir, FsyncLedger ledger, List<SecurityState> states) throws IOException {
        return open(dataDir, ledger, states, COMPACTION_MIN_BYTES);
    }

    /** As {@link #open(Path, FsyncLedger, List)}, compacting from {@code compactionMinBytes} on. */
    static SecurityStore open(Path dataDir, FsyncLedger ledger, List<SecurityState> states, long compactionMinBytes)
            throws IOException {
        SecurityStore store = new SecurityStore(states, compactionMinBytes);
        store.journal = FramedJournal.open(dataDir.resolve(DIRECTORY), "Security journal", "users and ACLs",
                FramedJournal.Access.OWNER_ONLY, ledger, body -> store.replayAll(SecurityRecordCodec.decode(body)));
        return store;
    }

    private void replayAll(List<ApiMessageAndVersion> records) throws UndecodableFrameException {
        for (ApiMessageAndVersion record : records) {
            if (!states.replays(record.message())) {
                throw new UndecodableFrameException("record type " + record.message().apiKey()
                        + " is not a security record this broker replays");
            }
        }
        records.forEach(record -> states.replay(record.message()));
    }

    /**
     * Runs {@code decide} under the store's lock, makes the records it returns durable, applies them
     * to the states, and returns its answer. A decision that refuses everything returns no records,
     * and nothing is written.
     *
     * @throws IOException when the records could not be made durable: nothing was applied, and the
     *     caller must answer with an error (a crash may or may not keep the change)
     */
    public synchronized <T> T change(Supplier<SecurityChange<T>> decide) throws IOException {
        SecurityChange<T> change = decide.get();
        if (change.records().isEmpty()) {
            return change.answer();
        }
        for (ApiMessageAndVersion record : change.records()) {
            if (!states.replays(record.message())) {
                throw new IllegalArgumentException("No security state replays " + record.message().getClass().getSimpleName());
            }
        }
        journal.append(SecurityRecordCodec.encode(change.records()));
        journal.flush();
        change.records().forEach(record -> states.replay(record.message()));
        if (journal.wantsCompaction(compactionMinBytes)) {
            journal.rewrite(snapshotFrames());
        }
        return change.answer();
    }

    private List<byte[]> snapshotFrames() {
        List<ApiMessageAndVersion> all = states.snapshot();
        List<byte[]> frames = new ArrayList<>();
        for (int from = 0; from < all.size(); from += SNAPSHOT_RECORDS_PER_FRAME) {
            frames.add(SecurityRecordCodec.encode(all.subList(from, Math.min(all.size(), from + SNAPSHOT_RECORDS_PER_FRAME))));
        }
        return frames;
    }

    /** Bytes in the journal's live file. */
    synchronized long sizeBytes() {
        return journal.sizeBytes();
    }

    @Override
    public synchronized void close() throws IOException {
        journal.close();
    }
}
