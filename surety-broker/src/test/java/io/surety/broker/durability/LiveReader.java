package io.surety.broker.durability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer that reads a topic on a thread of its own while faults happen, and remembers which
 * sequence number ({@link SequenceWriter}) every offset it was given held. A consumer only sees
 * what is below the high watermark, which no failover may change: an offset seen with two values,
 * or seen once and later holding something else, is a replication bug.
 *
 * <p>Errors of the consumer (a leader gone, a reset position) are counted and the read goes on;
 * with {@code auto.offset.reset=earliest} a reset reads everything again, which only adds checks.
 *
 * <p>Thread-safety: start and stop from one thread; the counts and {@link #seen()} may be read from
 * any thread.
 */
final class LiveReader {

    private static final int MAX_EXAMPLES = 10;

    private final String bootstrapServers;
    private final String topic;
    private final int partitionCount;
    private final Map<Integer, Map<Long, Long>> seqByOffset = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<String> examples = new ArrayList<>();
    private volatile boolean running;
    private Thread thread;

    LiveReader(String bootstrapServers, String topic, int partitionCount) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.partitionCount = partitionCount;
        IntStream.range(0, partitionCount).forEach(p -> seqByOffset.put(p, new ConcurrentHashMap<>()));
    }

    void start() {
        running = true;
        thread = new Thread(this::read, "live-reader");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            throw new IllegalStateException("The live reader did not stop");
        }
    }

    /** Records handed to the consumer, counting every re-read. */
    long reads() {
        return reads.get();
    }

    /** Offsets that were handed out twice with different values. */
    long conflicts() {
        return conflicts.get();
    }

    /** Exceptions the consumer threw (it carried on after each). */
    long errors() {
        return errors.get();
    }

    /** Per partition, what each offset held when it was read. */
    Map<Integer, Map<Long, Long>> seen() {
        return seqByOffset;
    }

    synchronized List<String> examples() {
        return List.copyOf(examples);
    }

    private void read() {
        Map<String, Object> config = Map.of(
                "bootstrap.servers", bootstrapServers,
                "enable.auto.commit", false,
                "auto.offset.reset", "earliest",
                "reconnect.backoff.max.ms", 500,
                "client.id", "live-reader");
        List<TopicPartition> partitions = IntStream.range(0, partitionCount)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        observe(record.partition(), record.offset(), SequenceWriter.decode(record.value()));
                    }
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                }
            }
        }
    }

    private void observe(int partition, long offset, long seq) {
        reads.incrementAndGet();
        Long before = seqByOffset.get(partition).putIfAbsent(offset, seq);
        if (before != null && before != seq) {
            conflicts.incrementAndGet();
            note(partition + "@" + offset + " read as seq " + before + ", later as seq " + seq);
        }
    }

    private synchronized void note(String example) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(example);
        }
    }
}
