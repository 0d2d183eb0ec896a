package io.surety.broker.quorum;

import java.nio.ByteBuffer;

/**
 * The framing of every entry this package writes into a Ratis log, and of the leader's answer to
 * a proposal.
 *
 * <pre>
 * entry:   version:int8 (=1) | proposerTerm:int64 | payload (the caller's bytes)
 * answer:  index:int64 | applied:int8 (1 = applied, 0 = dropped as stale)
 * </pre>
 *
 * <p>Why the term is in the entry: a leader's decision reads the state it has applied and is only
 * right while it still leads. If it loses leadership after proposing, Ratis may still commit the
 * entry under the next leader's term (a client retry, or the new leader keeping an uncommitted tail
 * of the old one). Every member compares the proposer's term with the term of the log entry it
 * arrived in and drops the entry when they differ, so a decision taken in term T takes effect only as
 * part of term T. Dropping is the same on every member, since both terms are in the log.
 */
final class QuorumEntry {

    static final byte VERSION = 1;
    static final int HEADER_BYTES = 1 + Long.BYTES;

    private QuorumEntry() {
    }

    static byte[] frame(long proposerTerm, byte[] payload) {
        return ByteBuffer.allocate(HEADER_BYTES + payload.length)
                .put(VERSION).putLong(proposerTerm).put(payload).array();
    }

    /** The proposer's term of a framed entry; refuses an entry of a version it does not know. */
    static long proposerTerm(ByteBuffer entry) {
        byte version = entry.get(entry.position());
        if (version != VERSION || entry.remaining() < HEADER_BYTES) {
            throw new IllegalStateException("quorum entry of unknown version " + version
                    + " (" + entry.remaining() + " bytes): written by a newer Surety?");
        }
        return entry.getLong(entry.position() + 1);
    }

    static byte[] payload(ByteBuffer entry) {
        byte[] payload = new byte[entry.remaining() - HEADER_BYTES];
        entry.duplicate().position(entry.position() + HEADER_BYTES).get(payload);
        return payload;
    }

    static byte[] answer(long index, boolean applied) {
        return ByteBuffer.allocate(Long.BYTES + 1).putLong(index).put((byte) (applied ? 1 : 0)).array();
    }

    static long answeredIndex(ByteBuffer answer) {
        return answer.getLong(answer.position());
    }

    static boolean answeredApplied(ByteBuffer answer) {
        return answer.get(answer.position() + Long.BYTES) == 1;
    }
}
