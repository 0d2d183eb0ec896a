package io.surety.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Sees whole stored batches one at a time (the cleaner's reads). */
@FunctionalInterface
public interface BatchReader {

    /**
     * @param header the batch header
     * @param batch  the whole batch, position..limit; a reused buffer the reader must not keep
     * @return whether to go on to the next batch
     */
    boolean read(BatchHeader header, ByteBuffer batch) throws IOException;
}
