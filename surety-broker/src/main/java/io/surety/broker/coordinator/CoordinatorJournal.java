package io.surety.broker.coordinator;

import io.surety.broker.log.FramedJournal;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.StartRefusedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The group coordinator's durable store: a {@link FramedJournal} whose frames each hold the records
 * one operation wrote (encoded by {@link RecordCodec}), so an operation is replayed whole or not at
 * all.
 *
 * <p>Directory {@code <data>/__consumer_offsets-0/} (not a topic: Metadata never shows it). Framing,
 * torn-tail cutting, compaction by rewrite and the refusal to start on a frame that cannot be
 * decoded are {@link FramedJournal}'s; see its notes for the crash behaviour. A compaction writes the
 * live state in frames of at most {@value #SNAPSHOT_RECORDS_PER_FRAME} records.
 *
 * <p>Threading: one owner (the coordinator thread) calls everything. Not thread-safe.
 */
final class CoordinatorJournal implements CoordinatorLog {

    static final String DIRECTORY = "__consumer_offsets-0";
    private static final int SNAPSHOT_RECORDS_PER_FRAME = 1000;

    private final FramedJournal frames;
    /** No compaction below this size, however small the state (group.journal.compaction.bytes). */
    private final long compactionMinBytes;

    private CoordinatorJournal(FramedJournal frames, long compactionMinBytes) {
        this.frames = frames;
        this.compactionMinBytes = compactionMinBytes;
    }

    /**
     * Opens the journal under {@code dataDir}, creating it if absent, and hands every whole frame's
     * records to {@code replay} in order; a torn tail is cut off.
     *
     * @throws StartRefusedException when a whole frame cannot be decoded (see {@link FramedJournal})
     */
    static CoordinatorJournal open(Path dataDir, FsyncLedger ledger, Consumer<List<CoordinatorRecord>> replay)
            throws IOException {
        return open(dataDir, ledger, Long.MAX_VALUE, replay);
    }

    /** As {@link #open(Path, FsyncLedger, Consumer)}, compacting by {@link #compact} once past {@code compactionMinBytes}. */
    static CoordinatorJournal open(Path dataDir, FsyncLedger ledger, long compactionMinBytes,
            Consumer<List<CoordinatorRecord>> replay) throws IOException {
        FramedJournal frames = FramedJournal.open(dataDir.resolve(DIRECTORY), "Coordinator journal", "group state",
                FramedJournal.Access.DEFAULT, ledger, body -> replay.accept(RecordCodec.decode(body)));
        return new CoordinatorJournal(frames, compactionMinBytes);
    }

    /** Appends one frame holding {@code records}; durable after the next {@link #flush}. */
    @Override
    public void append(List<CoordinatorRecord> records) throws IOException {
        frames.append(RecordCodec.encode(records));
    }

    /** Forces every appended frame to disk. */
    void flush() throws IOException {
        frames.flush();
    }

    /** {@link #flush}, as the coordinator asks it: the future is complete once this returns. */
    @Override
    public CompletableFuture<Void> commit() throws IOException {
        flush();
        return CompletableFuture.completedFuture(null);
    }

    /** A {@link #rewrite} of {@code liveState} once the file {@link #wantsCompaction wants it}. */
    @Override
    public void compact(Supplier<List<CoordinatorRecord>> liveState) throws IOException {
        if (wantsCompaction(compactionMinBytes)) {
            rewrite(liveState.get());
        }
    }

    /** Whether the file has grown enough past the state it holds to be worth a {@link #rewrite}. */
    boolean wantsCompaction(long minBytes) {
        return frames.wantsCompaction(minBytes);
    }

    /** Replaces the journal by one holding exactly {@code liveState}, durably. */
    void rewrite(List<CoordinatorRecord> liveState) throws IOException {
        List<byte[]> bodies = new ArrayList<>();
        for (int from = 0; from < liveState.size(); from += SNAPSHOT_RECORDS_PER_FRAME) {
            bodies.add(RecordCodec.encode(liveState.subList(from, Math.min(liveState.size(), from + SNAPSHOT_RECORDS_PER_FRAME))));
        }
        frames.rewrite(bodies);
    }

    long sizeBytes() {
        return frames.sizeBytes();
    }

    @Override
    public void close() throws IOException {
        frames.close();
    }
}
