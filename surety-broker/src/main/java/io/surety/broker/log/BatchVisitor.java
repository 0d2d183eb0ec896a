package io.surety.broker.log;

import java.nio.ByteBuffer;

/**
 * Sees every batch kept when a log opens, in offset order: the partition rebuilds its producer
 * state from it. Control batches (transaction markers, a few dozen bytes) come with their whole
 * bytes, because what they say (commit or abort) is inside their one record; data batches come
 * with their header only.
 */
@FunctionalInterface
public interface BatchVisitor {

    /**
     * @param header       the batch header
     * @param controlBatch the whole batch (position..limit) when it is a control batch, else null;
     *                     a fresh buffer the visitor may keep
     */
    void visit(BatchHeader header, ByteBuffer controlBatch);
}
