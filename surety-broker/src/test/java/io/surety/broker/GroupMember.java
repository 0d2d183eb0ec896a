package io.surety.broker;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A group consumer on its own thread, for the group ITs: polls, remembers every value it saw and
 * its current partitions, commits after each poll. Closed with {@link #close} (which leaves the
 * group, as a real consumer does).
 */
final class GroupMember implements AutoCloseable {

    /** How a member joins: protocol is {@code classic} or {@code consumer}; assignor a short name or "-". */
    record Settings(String bootstrap, String topic, String group, String protocol, String assignor) {

        Map<String, Object> properties() {
            Map<String, Object> p = new HashMap<>();
            p.put("bootstrap.servers", bootstrap);
            p.put("group.id", group);
            p.put("group.protocol", protocol);
            p.put("enable.auto.commit", "false");
            p.put("auto.offset.reset", "earliest");
            p.put("max.poll.records", "50");
            if (protocol.equals("classic")) {
                p.put("session.timeout.ms", "6000");
                p.put("heartbeat.interval.ms", "500");
                if (!assignor.equals("-")) {
                    p.put("partition.assignment.strategy", switch (assignor) {
                        case "range" -> "org.apache.kafka.clients.consumer.RangeAssignor";
                        case "roundrobin" -> "org.apache.kafka.clients.consumer.RoundRobinAssignor";
                        case "sticky" -> "org.apache.kafka.clients.consumer.StickyAssignor";
                        case "cooperative-sticky" -> "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
                        default -> throw new IllegalArgumentException(assignor);
                    });
                }
            } else if (!assignor.equals("-")) {
                p.put("group.remote.assignor", assignor);
            }
            return p;
        }
    }

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> seen;
    private volatile Set<Integer> owned = Set.of();
    private volatile Throwable failure;

    GroupMember(String name, Settings settings, Set<String> seen) {
        this.seen = seen;
        this.consumer = new KafkaConsumer<>(settings.properties(), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(settings.topic()));
        this.thread = new Thread(this::loop, "group-member-" + name);
        thread.start();
    }

    static Set<String> newSeenSet() {
        return ConcurrentHashMap.newKeySet();
    }

    private void loop() {
        try {
            while (running.get()) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                Set<Integer> now = new TreeSet<>();
                for (TopicPartition tp : consumer.assignment()) {
                    now.add(tp.partition());
                }
                owned = now;
                for (ConsumerRecord<String, String> record : records) {
                    seen.add(record.value());
                }
                if (!records.isEmpty()) {
                    try {
                        consumer.commitSync();
                    } catch (org.apache.kafka.common.errors.RebalanceInProgressException
                            | org.apache.kafka.clients.consumer.CommitFailedException e) {
                        // the records will be consumed again by their next owner
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
        }
    }

    Set<Integer> owned() {
        return owned;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
