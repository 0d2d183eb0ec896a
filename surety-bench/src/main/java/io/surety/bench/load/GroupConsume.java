package io.surety.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Load generator for a consumer group: {@code members} consumers in one group read a topic that
 * holds exactly {@code records} records. Every member holds its partitions paused until all members
 * have been given partitions, so the clock measures a settled group reading, not its joins (as
 * ConsumerPerformance leaves its join out). Reading ends when every partition has been read to the
 * end; records read twice across a rebalance are counted apart. Prints one summary line:
 * <pre>GROUP-CONSUME members=… records=… received=… seconds=… records_per_sec=… mb_per_sec=…</pre>
 * or {@code GROUP-CONSUME failed: …} when the records were not all read within the timeout.
 *
 * <p>Arguments: bootstrap servers, topic, group id, members, records, timeout in ms.
 */
public final class GroupConsume {

    private GroupConsume() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        int members = Integer.parseInt(args[3]);
        long records = Long.parseLong(args[4]);
        long timeoutMs = Long.parseLong(args[5]);
        CountDownLatch allAssigned = new CountDownLatch(members);
        Map<TopicPartition, Long> endReached = new ConcurrentHashMap<>();
        AtomicLong received = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong startNs = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            Thread thread = new Thread(() -> readAsMember(bootstrap, topic, group, records, allAssigned, startNs,
                    endReached, received, bytes), "member-" + m);
            thread.start();
            threads.add(thread);
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
        }
        long distinct = total(endReached);
        if (distinct < records) {
            System.out.printf("GROUP-CONSUME failed: read %d of %d records within %d ms%n", distinct, records, timeoutMs);
            System.exit(1);
        }
        double seconds = (System.nanoTime() - startNs.get()) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "GROUP-CONSUME members=%d records=%d received=%d seconds=%.3f "
                        + "records_per_sec=%.1f mb_per_sec=%.3f%n", members, distinct, received.get(), seconds,
                distinct / seconds, bytes.get() / seconds / (1024 * 1024));
        System.exit(0);
    }

    private static void readAsMember(String bootstrap, String topic, String group, long records, CountDownLatch allAssigned,
            AtomicLong startNs, Map<TopicPartition, Long> endReached, AtomicLong received, AtomicLong bytes) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "group.id", group,
                "enable.auto.commit", false, "auto.offset.reset", "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            boolean[] counted = {false};
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    consumer.commitSync();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty() && !counted[0]) {
                        counted[0] = true;
                        allAssigned.countDown();
                    }
                }
            });
            while (total(endReached) < records) {
                if (allAssigned.getCount() > 0) {
                    consumer.pause(consumer.assignment());
                } else {
                    startNs.compareAndSet(0, System.nanoTime());
                    consumer.resume(consumer.paused());
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    received.incrementAndGet();
                    bytes.addAndGet(record.serializedValueSize());
                    endReached.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
                }
            }
        }
    }

    private static long total(Map<TopicPartition, Long> endReached) {
        long sum = 0;
        for (long end : endReached.values()) {
            sum += end;
        }
        return sum;
    }
}
