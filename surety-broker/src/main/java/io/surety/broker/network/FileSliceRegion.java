package io.surety.broker.network;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A Netty {@link FileRegion} over part of a segment file that does not own the file: releasing it
 * leaves the channel open (the log closes it). Netty's own region closes its channel on release,
 * which would break every other reader of the segment. Sent with {@code FileChannel.transferTo},
 * i.e. sendfile, so record bytes never pass through the Java heap.
 */
final class FileSliceRegion extends AbstractReferenceCounted implements FileRegion {

    private final FileChannel file;
    private final long position;
    private final long count;
    private long transferred;

    FileSliceRegion(FileChannel file, long position, long count) {
        this.file = file;
        this.position = position;
        this.count = count;
    }

    /** The segment's channel, which this region does not own. */
    FileChannel file() {
        return file;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long transferTo(WritableByteChannel target, long at) throws IOException {
        long remaining = count - at;
        if (remaining <= 0) {
            return 0;
        }
        long written = file.transferTo(position + at, remaining, target);
        if (written == 0 && file.size() < position + count) {
            throw new IOException("Segment file shrank below the slice being sent");
        }
        transferred += written;
        return written;
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }

    @Override
    protected void deallocate() {
        // The segment owns the channel.
    }
}
