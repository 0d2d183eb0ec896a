package io.surety.broker.partition;

import io.surety.broker.log.SegmentChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Segment files on a disk that can be made to fail: once {@link #fillUp()} is called, writes fail
 * as on a full disk (ENOSPC, after writing part of the buffer, as a real short write can), and
 * once {@link #breakFsync()} is called, fsync fails as on a failing device (EIO), and between
 * {@link #stallFsync()} and {@link #resumeFsync()} every fsync blocks, as on a device that has
 * stopped answering. Thread-safe.
 */
public final class FailingDisk implements SegmentChannels {

    private volatile boolean full;
    private volatile boolean fsyncBroken;
    private volatile CountDownLatch stall = new CountDownLatch(0);
    private final AtomicInteger stalledFsyncs = new AtomicInteger();

    public void fillUp() {
        full = true;
    }

    public void breakFsync() {
        fsyncBroken = true;
    }

    /** From now on every fsync blocks until {@link #resumeFsync()}. */
    public void stallFsync() {
        stall = new CountDownLatch(1);
    }

    /** Lets the blocked fsyncs, and later ones, through. */
    public void resumeFsync() {
        stall.countDown();
    }

    /** Fsyncs blocked right now. */
    public int stalledFsyncs() {
        return stalledFsyncs.get();
    }

    @Override
    public FileChannel open(java.nio.file.Path file, boolean create) throws IOException {
        return new Channel(FILES.open(file, create));
    }

    private final class Channel extends FileChannel {
        private final FileChannel delegate;

        Channel(FileChannel delegate) {
            this.delegate = delegate;
        }

        private void checkSpace(ByteBuffer src, long position) throws IOException {
            if (full) {
                if (src.remaining() > 1) {
                    ByteBuffer part = src.duplicate();
                    part.limit(part.position() + src.remaining() / 2);
                    delegate.write(part, position);
                }
                throw new IOException("No space left on device");
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            checkSpace(src, position);
            return delegate.write(src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            checkSpace(src, delegate.position());
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (full) {
                throw new IOException("No space left on device");
            }
            return delegate.write(srcs, offset, length);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            waitWhileStalled();
            if (fsyncBroken) {
                throw new IOException("Input/output error");
            }
            delegate.force(metaData);
        }

        private void waitWhileStalled() throws IOException {
            CountDownLatch gate = stall;
            if (gate.getCount() == 0) {
                return;
            }
            stalledFsyncs.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while the fsync was stalled", e);
            } finally {
                stalledFsyncs.decrementAndGet();
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
