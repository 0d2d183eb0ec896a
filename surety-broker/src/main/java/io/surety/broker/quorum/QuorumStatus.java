package io.surety.broker.quorum;

import java.util.List;
import java.util.Optional;

/**
 * The quorum as its leader sees it at one moment: what {@code kafka-metadata-quorum describe}
 * shows. Only the leader knows its followers' progress, so only a leader's status has
 * {@link #members} filled. Immutable.
 *
 * @param leaderId the leader this member knows of, if any
 * @param term the current term (Kafka's leader epoch of the metadata log)
 * @param commitIndex the highest index known committed (Kafka's high watermark of the metadata log)
 * @param members every voter with its progress, this member first; empty unless this member leads
 */
public record QuorumStatus(Optional<Integer> leaderId, long term, long commitIndex, List<Member> members) {

    public QuorumStatus {
        members = List.copyOf(members);
    }

    /**
     * One voter's progress as the leader sees it.
     *
     * @param nodeId the voter's node id
     * @param matchIndex the highest index known to be in its log (for the leader itself, its last index)
     * @param sinceLastContactMs how long ago the leader last heard from it; 0 for the leader itself
     */
    public record Member(int nodeId, long matchIndex, long sinceLastContactMs) {
    }
}
