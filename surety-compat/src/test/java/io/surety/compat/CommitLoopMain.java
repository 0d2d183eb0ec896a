package io.surety.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * One of the two consumer loops of the delivery-semantics seeds, run as a child JVM by
 * {@link OffsetsCompatIT} so that it can crash at the worst moment:
 * <ul>
 *   <li>{@code commit-first} (at-most-once): poll, commit, process;
 *   <li>{@code process-first} (at-least-once): poll, process, commit.
 * </ul>
 * Once it has processed {@code crashAfter} records, the next poll is the crashed one: the loop
 * prints {@code POLLED <value>} for each of its records, runs up to the crash point (after the
 * commit for commit-first, after processing for process-first), prints {@code CRASH-POINT} and
 * waits for the test to {@code kill -9} it. Processing a record prints {@code PROCESSED <value>}.
 *
 * <p>Arguments: order, crashAfter, then those of {@link GroupSettings#args}.
 */
public final class CommitLoopMain {

    private CommitLoopMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        boolean commitFirst = switch (args[0]) {
            case "commit-first" -> true;
            case "process-first" -> false;
            default -> throw new IllegalArgumentException("order must be commit-first or process-first: " + args[0]);
        };
        int crashAfter = Integer.parseInt(args[1]);
        GroupSettings settings = GroupSettings.fromArgs(args, 2);
        // Never closed: the process ends by kill -9, as a crash does.
        KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer();
        consumer.subscribe(List.of(settings.topic()));
        System.out.println("STARTED");
        int processed = 0;
        while (true) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
            if (records.isEmpty()) {
                continue;
            }
            boolean crashing = processed >= crashAfter;
            if (crashing) {
                print("POLLED", records);
            }
            if (commitFirst) {
                consumer.commitSync();
                if (crashing) {
                    awaitKill();
                }
                print("PROCESSED", records);
            } else {
                print("PROCESSED", records);
                if (crashing) {
                    awaitKill();
                }
                consumer.commitSync();
            }
            processed += records.count();
        }
    }

    private static void print(String prefix, ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            System.out.println(prefix + " " + new String(record.value(), StandardCharsets.UTF_8));
        }
    }

    /** Announces the crash point and blocks until the test kills this process. */
    private static void awaitKill() throws InterruptedException {
        System.out.println("CRASH-POINT");
        new CountDownLatch(1).await();
    }
}
