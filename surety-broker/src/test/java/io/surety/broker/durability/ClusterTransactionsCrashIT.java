package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Transactions across brokers while partition leaders are killed (three cluster nodes in child
 * JVMs, replication factor 3, {@code min.insync.replicas=2}): a transactional producer runs
 * back-to-back transactions, each writing one record to every partition (so to every broker) and
 * every fifth aborted, while the leaders of partitions on the two nodes that do not run the
 * transaction coordinator are killed with {@code kill -9} one after the other and started again.
 * Markers due on a killed leader land on its successor. At the end a read_committed consumer reads
 * exactly the records of the committed transactions: none lost, none duplicated, none aborted.
 */
class ClusterTransactionsCrashIT {

    private static final String TOPIC = "txn-crash";
    private static final int PARTITIONS = 3;
    private static final int KILLS = 4;
    private static final int TRANSACTIONS_BETWEEN_KILLS = 40;

    @Test
    void shouldShowExactlyTheCommittedTransactionsWhenLeadersAreKilled() throws Exception {
        ClusterRun.inThreeNodes("ClusterTransactionsCrashIT", Map.of("broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "300"), ClusterTransactionsCrashIT::killLeadersUnderTransactions);
    }

    private static void killLeadersUnderTransactions(ChildCluster cluster, PartitionStates states) throws Exception {
        ClusterRun.createTopic(states, TOPIC, PARTITIONS);
        // The coordinator runs on the live broker with the lowest id; it is never killed here.
        int coordinator = Collections.min(cluster.nodeIds());
        TransactionLoop loop = new TransactionLoop(cluster.bootstrapServers());
        Thread producing = new Thread(loop, "transactions");
        producing.start();
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                loop.awaitMore(TRANSACTIONS_BETWEEN_KILLS);
                int victim = leaderOtherThan(states, coordinator, kill);
                cluster.kill9(victim);
                await().atMost(ClusterRun.STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> ledBy(states, victim).isEmpty());
                loop.awaitMore(TRANSACTIONS_BETWEEN_KILLS / 2);
                cluster.restart(victim);
                await().atMost(ClusterRun.STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> fullIsr(states));
                System.out.printf("killed leader %d after %d transactions%n", victim, loop.ended());
            }
            loop.awaitMore(TRANSACTIONS_BETWEEN_KILLS);
        } finally {
            loop.stop();
            producing.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertThat(loop.failure.get()).as("the transactional producer's unexpected failure").isNull();
        long retried = Files.readAllLines(cluster.node(coordinator).logFile()).stream()
                .filter(line -> line.contains("ClusterMarkerWriter") && line.contains("failed")).count();
        System.out.printf("the coordinator logged %d marker requests to a leader that failed%n", retried);

        List<String> read = readCommitted(cluster.bootstrapServers());
        Set<String> readSet = new HashSet<>(read);
        Set<String> lost = new HashSet<>(loop.committed);
        lost.removeAll(readSet);
        Set<String> abortedVisible = new HashSet<>(loop.aborted);
        abortedVisible.retainAll(readSet);
        System.out.printf("%d transactions (%d committed, %d aborted, %d aborted after an error), %d records read:"
                        + " %d lost, %d aborted visible, %d duplicated%n", loop.ended(), loop.commits.get(),
                loop.aborts.get(), loop.abortedAfterError.get(), read.size(), lost.size(), abortedVisible.size(),
                read.size() - readSet.size());
        assertThat(lost).as("committed records not read").isEmpty();
        assertThat(abortedVisible).as("aborted records read").isEmpty();
        assertThat(read).doesNotHaveDuplicates();
        assertThat(readSet).isEqualTo(loop.committed);
    }

    /** A node other than {@code coordinator} that leads a partition; alternates between the two others. */
    private static int leaderOtherThan(PartitionStates states, int coordinator, int kill) throws Exception {
        List<Integer> candidates = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            int leader = states.of(TOPIC, p).leader();
            if (leader >= 0 && leader != coordinator && !candidates.contains(leader)) {
                candidates.add(leader);
            }
        }
        assertThat(candidates).as("partitions led outside the coordinator's node").isNotEmpty();
        Collections.sort(candidates);
        return candidates.get(kill % candidates.size());
    }

    private static List<Integer> ledBy(PartitionStates states, int node) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            if (states.of(TOPIC, p).leader() == node) {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean fullIsr(PartitionStates states) throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionStates.State state = states.of(TOPIC, p);
            if (state.leader() < 0 || state.isr().size() < 3) {
                return false;
            }
        }
        return true;
    }

    private static List<String> readCommitted(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("read up to %s within a minute", ends).isLessThan(deadlineNs);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    /**
     * Runs transactions until stopped; records which values were committed and which aborted. A
     * commit that times out is retried, as Kafka's producer allows; an abortable error aborts the
     * transaction; anything else stops the loop and is kept in {@link #failure}.
     */
    private static final class TransactionLoop implements Runnable {

        final Set<String> committed = ConcurrentHashMap.newKeySet();
        final Set<String> aborted = ConcurrentHashMap.newKeySet();
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger aborts = new AtomicInteger();
        final AtomicInteger abortedAfterError = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final String bootstrapServers;
        private volatile boolean stopped;

        TransactionLoop(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        int ended() {
            return commits.get() + aborts.get();
        }

        void stop() {
            stopped = true;
        }

        void awaitMore(int transactions) {
            int target = ended() + transactions;
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ended() >= target || failure.get() != null);
            assertThat(failure.get()).as("the transactional producer's unexpected failure").isNull();
        }

        @Override
        public void run() {
            try (KafkaProducer<String, String> producer = TestProducers.acksAll(bootstrapServers, 120_000,
                    Map.of("transactional.id", "crash-copier", "request.timeout.ms", 10_000,
                            "max.block.ms", 60_000))) {
                producer.initTransactions();
                for (int txn = 0; !stopped; txn++) {
                    List<String> values = new ArrayList<>();
                    try {
                        producer.beginTransaction();
                        for (int p = 0; p < PARTITIONS; p++) {
                            String value = "t" + txn + "-p" + p;
                            producer.send(new ProducerRecord<>(TOPIC, p, "k", value));
                            values.add(value);
                        }
                        if (txn % 5 == 4) {
                            producer.abortTransaction();
                            aborted.addAll(values);
                            aborts.incrementAndGet();
                        } else {
                            commit(producer);
                            committed.addAll(values);
                            commits.incrementAndGet();
                        }
                    } catch (TimeoutException e) {
                        throw e;
                    } catch (KafkaException e) {
                        if (!isAbortable(e)) {
                            throw e;
                        }
                        producer.abortTransaction();
                        aborted.addAll(values);
                        aborts.incrementAndGet();
                        abortedAfterError.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        private static void commit(KafkaProducer<String, String> producer) {
            for (int attempt = 1; ; attempt++) {
                try {
                    producer.commitTransaction();
                    return;
                } catch (TimeoutException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        }

        private static boolean isAbortable(KafkaException e) {
            return !(e instanceof org.apache.kafka.common.errors.ProducerFencedException)
                    && !(e instanceof org.apache.kafka.common.errors.OutOfOrderSequenceException)
                    && !(e instanceof org.apache.kafka.common.errors.UnsupportedVersionException)
                    && !(e instanceof org.apache.kafka.common.errors.AuthorizationException)
                    && !(e instanceof org.apache.kafka.common.errors.InvalidProducerEpochException);
        }
    }
}
