package io.surety.broker.node;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord;
import io.surety.broker.cluster.ClusterRecordCodec;
import io.surety.broker.cluster.ClusterStateMachine;
import io.surety.broker.quorum.ReplicatedStateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The cluster's metadata as the quorum replicates it: each committed entry is one decision's
 * records ({@link ClusterRecordCodec}), replayed into a {@link ClusterStateMachine}; the newest image
 * is readable from any thread and handed to {@link ImageListener}s in order on the publisher thread.
 *
 * <p>Snapshot format: {@code appliedIndex:int64 | length:int32 | the image written as one entry of
 * records} ({@link ClusterStateMachine#snapshot}); restoring replays that entry at the index.
 *
 * <p>Threading: {@code apply}, {@code writeSnapshot} and {@code restore} on the quorum's apply thread;
 * {@link #image()} and {@link #awaitApplied} from any thread.
 */
final class MetadataStateMachine implements ReplicatedStateMachine {

    private final ClusterStateMachine state = new ClusterStateMachine();
    private final List<ImageListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService publisher;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition applied = lock.newCondition();
    private volatile ClusterImage image = ClusterImage.EMPTY;

    MetadataStateMachine(ExecutorService publisher) {
        this.publisher = publisher;
    }

    ClusterImage image() {
        return image;
    }

    void addListener(ImageListener listener) {
        listeners.add(listener);
    }

    @Override
    public void apply(long index, byte[] entry) {
        List<ClusterRecord> records;
        try {
            records = ClusterRecordCodec.decode(entry);
        } catch (ClusterRecordCodec.UndecodableEntryException e) {
            throw new IllegalStateException("Metadata entry " + index + " cannot be read: " + e.getMessage(), e);
        }
        publish(state.replay(index, records));
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        byte[] entry = ClusterRecordCodec.encode(ClusterStateMachine.snapshot(image));
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(image.appliedIndex());
        data.writeInt(entry.length);
        data.write(entry);
        data.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        long index = data.readLong();
        byte[] entry = new byte[data.readInt()];
        data.readFully(entry);
        try {
            publish(state.restore(index, ClusterRecordCodec.decode(entry)));
        } catch (ClusterRecordCodec.UndecodableEntryException e) {
            throw new IOException("The metadata snapshot at index " + index + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Waits until an entry at or after {@code index} is applied; false if the wait timed out. */
    boolean awaitApplied(long index, long timeoutMs) throws InterruptedException {
        long remainingNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            while (image.appliedIndex() < index) {
                if (remainingNs <= 0) {
                    return false;
                }
                remainingNs = applied.awaitNanos(remainingNs);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void publish(ClusterImage next) {
        ClusterImage previous = image;
        lock.lock();
        try {
            image = next;
            applied.signalAll();
        } finally {
            lock.unlock();
        }
        publisher.execute(() -> listeners.forEach(listener -> listener.imageChanged(previous, next)));
    }
}
