package io.surety.broker.durability;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends sequence-numbered records through one producer and records every attempt and outcome in
 * a {@link SendHistory}. Sequence numbers rise in send order, so within a partition the order of
 * the sequence numbers is the send order.
 *
 * <p>Two ways to send: {@link #sendBurst} on the caller's thread, and a paced stream on a thread of
 * its own ({@link #startStream}/{@link #stopStream}). At most {@code maxOutstanding} sends are
 * unacknowledged at once, which bounds the memory the producer holds while a broker is down.
 *
 * <p>Record value layout (UTF-8): {@code seq=<19 digits>;} then padding to the requested size.
 *
 * <p>Thread-safety: {@link #sendBurst} must not run while a stream is running; start and stop
 * from one thread.
 */
final class SequenceWriter {

    private static final String PREFIX = "seq=";
    private static final int SEQ_DIGITS = 19;

    private final Producer<String, String> producer;
    private final String topic;
    private final SendHistory history;
    private final Semaphore outstanding;
    private final int valueBytes;
    private final AtomicLong nextSeq = new AtomicLong();
    private volatile boolean streaming;
    private Thread streamThread;

    SequenceWriter(Producer<String, String> producer, String topic, SendHistory history, int maxOutstanding,
            int valueBytes) {
        this.producer = producer;
        this.topic = topic;
        this.history = history;
        this.outstanding = new Semaphore(maxOutstanding);
        this.valueBytes = valueBytes;
    }

    /** Encodes {@code seq} as a record value of at least {@code sizeBytes} bytes. */
    static String encode(long seq, int sizeBytes) {
        StringBuilder value = new StringBuilder(Math.max(sizeBytes, 32)).append(PREFIX);
        String digits = Long.toString(seq);
        value.append("0".repeat(SEQ_DIGITS - digits.length())).append(digits).append(';');
        while (value.length() < sizeBytes) {
            value.append((char) ('a' + value.length() % 26));
        }
        return value.toString();
    }

    /** The sequence number in a value written by {@link #encode}, or -1 if it is not one. */
    static long decode(byte[] value) {
        if (value == null) {
            return -1;
        }
        String text = new String(value, StandardCharsets.UTF_8);
        int end = PREFIX.length() + SEQ_DIGITS;
        if (!text.startsWith(PREFIX) || text.length() <= end || text.charAt(end) != ';') {
            return -1;
        }
        try {
            return Long.parseLong(text.substring(PREFIX.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Sends {@code count} records to {@code partition}, then waits until every send has completed. */
    void sendBurst(int partition, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            outstanding.acquire();
            send(partition);
        }
        producer.flush();
    }

    /**
     * Starts sending round-robin to {@code partitions} at about {@code recordsPerSecond}, until
     * {@link #stopStream()} or until {@code maxRecords} have been sent.
     */
    void startStream(List<Integer> partitions, int recordsPerSecond, long maxRecords) {
        if (streamThread != null) {
            throw new IllegalStateException("already streaming");
        }
        streaming = true;
        streamThread = new Thread(() -> stream(partitions, recordsPerSecond, maxRecords), "sequence-writer");
        streamThread.setDaemon(true);
        streamThread.start();
    }

    /** Stops the stream and waits for its thread; sends already made stay with the producer. */
    void stopStream() throws InterruptedException {
        streaming = false;
        if (streamThread != null) {
            streamThread.join(TimeUnit.SECONDS.toMillis(30));
            if (streamThread.isAlive()) {
                throw new IllegalStateException("The sending thread did not stop; it is at "
                        + Arrays.toString(streamThread.getStackTrace()));
            }
            streamThread = null;
        }
    }

    private void stream(List<Integer> partitions, int recordsPerSecond, long maxRecords) {
        long startNs = System.nanoTime();
        long sent = 0;
        try {
            while (streaming && sent < maxRecords) {
                long dueNow = (System.nanoTime() - startNs) * recordsPerSecond / TimeUnit.SECONDS.toNanos(1);
                if (sent >= dueNow) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    continue;
                }
                if (!outstanding.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                send(partitions.get((int) (sent % partitions.size())));
                sent++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one record; the caller holds a permit, which the completion gives back exactly once. */
    private void send(int partition) {
        long seq = nextSeq.getAndIncrement();
        history.attempted(seq, partition);
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, null, encode(seq, valueBytes));
        AtomicBoolean completed = new AtomicBoolean();
        try {
            producer.send(record, (metadata, error) -> {
                if (completed.compareAndSet(false, true)) {
                    if (error == null) {
                        history.acked(seq, metadata.offset());
                    } else {
                        history.failed(seq, error);
                    }
                    outstanding.release();
                }
            });
        } catch (RuntimeException e) {
            if (completed.compareAndSet(false, true)) {
                history.failed(seq, e);
                outstanding.release();
            }
        }
    }
}
