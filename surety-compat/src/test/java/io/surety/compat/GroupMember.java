package io.surety.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A group member on its own thread, in the test JVM: the at-least-once loop (poll, process,
 * commit, retrying a refused commit after the next poll). Processing a record appends a {@link Consumption} to a queue shared by the members of
 * a test; the member also publishes the partitions it owns after each poll.
 *
 * <p>{@link #close} leaves the group, as an application shutting down does. Thread-safe: the
 * accessors may be read from any thread.
 */
final class GroupMember implements AutoCloseable {

    /** One record processed by one member; {@code atNs} is {@link System#nanoTime} when processed. */
    record Consumption(String value, int partition, long offset, String member, long atNs) {
    }

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final long JOIN_TIMEOUT_MS = 30_000;

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Queue<Consumption> consumed;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile Set<Integer> owned = Set.of();
    private volatile Throwable failure;
    private volatile int failedCommits;

    GroupMember(String name, GroupSettings settings, Queue<Consumption> consumed) {
        this.name = name;
        this.consumed = consumed;
        this.consumer = settings.newConsumer();
        consumer.subscribe(List.of(settings.topic()));
        this.thread = new Thread(this::loop, "group-member-" + name);
        thread.start();
    }

    private void loop() {
        boolean uncommitted = false;
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                Set<Integer> now = new TreeSet<>();
                for (TopicPartition partition : consumer.assignment()) {
                    now.add(partition.partition());
                }
                owned = Set.copyOf(now);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    consumed.add(new Consumption(new String(record.value(), StandardCharsets.UTF_8), record.partition(),
                            record.offset(), name, System.nanoTime()));
                }
                if (!records.isEmpty() || uncommitted) {
                    uncommitted = !commit();
                }
            }
        } catch (WakeupException closing) {
            // close() woke the poll up
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close();
        }
    }

    /**
     * Commits the positions of the partitions owned now; returns whether the broker took it. A
     * refused commit is retried after the next poll (the partitions still owned then are committed
     * there); records of partitions revoked meanwhile go to their next owner, which processes them
     * again: at-least-once allows that.
     *
     * <p>Implementation notes: with the consumer protocol, a commit sent just before the member
     * learns of its new epoch is refused with STALE_MEMBER_EPOCH (CommitFailedException) by Kafka
     * too (KIP-1251 relaxes that); without the retry, a partition whose records were all processed
     * before such a refusal would stay uncommitted.
     */
    private boolean commit() {
        try {
            consumer.commitSync();
            return true;
        } catch (RebalanceInProgressException | CommitFailedException e) {
            failedCommits++;
            return false;
        }
    }

    /** The partitions of the subscribed topic this member owned after its last poll. */
    Set<Integer> owned() {
        return owned;
    }

    /** What ended the loop other than {@link #close}; null while there is none. */
    Throwable failure() {
        return failure;
    }

    /** Commits refused because the group was rebalancing. */
    int failedCommits() {
        return failedCommits;
    }

    /** Stops the loop and closes the consumer, which leaves the group; waits for both. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(JOIN_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping member " + name, e);
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("member " + name + " did not stop within " + JOIN_TIMEOUT_MS + " ms");
        }
    }
}
