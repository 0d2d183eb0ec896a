package io.surety.broker.coordinator;

import io.surety.broker.log.FramedJournal;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The coordinator's records in the coordinator quorum group: one log entry per round, and the
 * group's snapshot. Both are a version byte and a sequence of frames, each holding the records of
 * one operation (an entry) or up to {@value #SNAPSHOT_RECORDS_PER_FRAME} records of the live state
 * (a snapshot), encoded by {@link RecordCodec}. Big-endian:
 * <pre>
 *  entry or snapshot:  version:int8 (=1) | frame*
 *  frame:              length:int32 (1 .. 128 MiB) | body (RecordCodec)
 * </pre>
 * Ratis checksums its log and snapshot files, so the frames carry no CRC of their own (the local
 * journal's frames do). A snapshot ends where its file ends; Ratis writes it to a temporary name and
 * renames it, so a crash never leaves a partial one in place.
 */
final class CoordinatorEntries {

    static final byte VERSION = 1;
    private static final int MAX_BODY_BYTES = 128 * 1024 * 1024;
    private static final int SNAPSHOT_RECORDS_PER_FRAME = 1000;

    private CoordinatorEntries() {
    }

    /** One entry holding {@code operations}, each the records of one operation. */
    static byte[] encode(List<List<CoordinatorRecord>> operations) {
        List<byte[]> bodies = new ArrayList<>(operations.size());
        int size = 1;
        for (List<CoordinatorRecord> records : operations) {
            byte[] body = RecordCodec.encode(records);
            bodies.add(body);
            size += Integer.BYTES + body.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION);
        for (byte[] body : bodies) {
            out.putInt(body.length).put(body);
        }
        return out.array();
    }

    /** The operations of an entry written by {@link #encode}. */
    static List<List<CoordinatorRecord>> decode(byte[] entry) throws FramedJournal.UndecodableFrameException {
        ByteBuffer in = ByteBuffer.wrap(entry);
        checkVersion(in.get());
        List<List<CoordinatorRecord>> operations = new ArrayList<>();
        while (in.hasRemaining()) {
            int length = in.getInt();
            if (length < 1 || length > in.remaining()) {
                throw new FramedJournal.UndecodableFrameException("frame of " + length + " bytes in an entry with "
                        + in.remaining() + " left");
            }
            ByteBuffer body = in.slice(in.position(), length);
            operations.add(RecordCodec.decode(body));
            in.position(in.position() + length);
        }
        return operations;
    }

    /** Writes {@code liveState} as a snapshot. */
    static void writeSnapshot(List<CoordinatorRecord> liveState, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeByte(VERSION);
        for (int from = 0; from < liveState.size(); from += SNAPSHOT_RECORDS_PER_FRAME) {
            byte[] body = RecordCodec.encode(
                    liveState.subList(from, Math.min(liveState.size(), from + SNAPSHOT_RECORDS_PER_FRAME)));
            out.writeInt(body.length);
            out.write(body);
        }
        out.flush();
    }

    /** Hands every record of a snapshot written by {@link #writeSnapshot} to {@code replay}, in order. */
    static void readSnapshot(InputStream stream, Consumer<CoordinatorRecord> replay) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        try {
            checkVersion(in.readByte());
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    return;
                }
                if (length < 1 || length > MAX_BODY_BYTES) {
                    throw new IOException("Coordinator snapshot frame of " + length + " bytes");
                }
                byte[] body = new byte[length];
                in.readFully(body);
                RecordCodec.decode(ByteBuffer.wrap(body)).forEach(replay);
            }
        } catch (FramedJournal.UndecodableFrameException e) {
            throw new IOException("Coordinator snapshot cannot be decoded (" + e.getMessage()
                    + "): written by a newer Surety, or damaged", e);
        }
    }

    private static void checkVersion(byte version) throws FramedJournal.UndecodableFrameException {
        if (version != VERSION) {
            throw new FramedJournal.UndecodableFrameException("unknown version " + version);
        }
    }
}
