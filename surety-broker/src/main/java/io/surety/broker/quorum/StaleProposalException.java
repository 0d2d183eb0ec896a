package io.surety.broker.quorum;

/**
 * A proposal committed in a later term than the one it was decided in, and was therefore not
 * applied (see {@link QuorumEntry}): the decision must be taken again by the current leader.
 */
public final class StaleProposalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StaleProposalException(long proposedTerm, long index) {
        super("entry " + index + " was proposed in term " + proposedTerm
                + " but committed in a later term; it was not applied");
    }
}
