package io.surety.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The failover trial of a cluster: how long producers wait when a partition leader dies. A topic
 * of one partition is made with its leader on a node that is not the metadata quorum's leader (so
 * the figure is the partition's failover, not also the controller's); once every replica is in the
 * ISR, an acks=all idempotent producer with the client's default settings has its connections and
 * metadata ready, the leader is killed with {@code kill -9}, and one record is sent at once. The
 * figure is the time from the kill to that record's acknowledgement: detecting the dead node
 * (its session expiring), electing a new leader, and the client finding it. The killed node is then
 * started again on its data and the trial waits until it is back in the ISR.
 *
 * <p>Both brokers run with the same session timeout and heartbeat interval (Kafka's defaults, see
 * {@link BenchBroker}). Not thread-safe; the benchmark thread drives it.
 */
final class FailoverTrial {

    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Consumer<String> progress;

    FailoverTrial(Consumer<String> progress) {
        this.progress = progress;
    }

    /**
     * Runs one failover on {@code broker} with a new topic {@code topic} (deleted by the caller);
     * the figure is in the latency columns, the same in each.
     */
    PerfResult run(BenchBroker broker, Admin admin, Contender contender, String topic, Workload workload)
            throws InterruptedException {
        try {
            int leader = createTopicLedAwayFromTheQuorumLeader(broker, admin, contender, topic);
            awaitLeaderAndFullIsr(admin, topic, leader, broker.replicationFactor());
            double failoverMs;
            try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, new byte[workload.recordSize()])).get();
                }
                long killedAt = System.nanoTime();
                broker.kill9(leader);
                producer.send(new ProducerRecord<>(topic, new byte[workload.recordSize()]))
                        .get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                failoverMs = (System.nanoTime() - killedAt) / 1e6;
            }
            progress.accept(String.format("  node %d (leader) killed; first acks=all acknowledgement %.0f ms later", leader,
                    failoverMs));
            broker.restart(leader);
            awaitLeaderAndFullIsr(admin, topic, -1, broker.replicationFactor());
            return new PerfResult(workload.name(), contender.name(), 1, Double.NaN, Double.NaN, failoverMs, failoverMs,
                    failoverMs, Double.NaN, null);
        } catch (ExecutionException | TimeoutException | KafkaException | IllegalStateException e) {
            return PerfResult.failed(workload.name(), contender.name(), "failover: " + e);
        } finally {
            restartDeadNodes(broker);
        }
    }

    /** Creates the topic with its first (preferred) replica on the lowest node that does not lead the quorum; returns it. */
    private static int createTopicLedAwayFromTheQuorumLeader(BenchBroker broker, Admin admin, Contender contender,
            String topic) throws ExecutionException, InterruptedException {
        int quorumLeader = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        List<Integer> replicas = new ArrayList<>();
        for (int id = 1; id <= broker.replicationFactor(); id++) {
            if (id != quorumLeader) {
                replicas.add(id);
            }
        }
        if (replicas.size() == broker.replicationFactor()) {
            throw new IllegalStateException("the quorum leader " + quorumLeader + " is not a node of " + broker.name());
        }
        replicas.add(quorumLeader);
        admin.createTopics(List.of(new NewTopic(topic, Map.of(0, replicas)).configs(contender.topicConfigs()))).all().get();
        return replicas.get(0);
    }

    /** Waits until partition 0 is led ({@code leader}, or anyone when -1) with all {@code replicas} in its ISR. */
    private static void awaitLeaderAndFullIsr(Admin admin, String topic, int leader, int replicas)
            throws InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        String last = "not described yet";
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
                TopicPartitionInfo partition = description.partitions().get(0);
                last = partition.toString();
                boolean led = partition.leader() != null && (leader < 0 || partition.leader().id() == leader);
                if (led && partition.isr().size() == replicas) {
                    return;
                }
            } catch (ExecutionException e) {
                last = e.getCause().toString();
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IllegalStateException(topic + " did not get leader " + (leader < 0 ? "(any)" : leader)
                + " and a full ISR within " + STEP_TIMEOUT + "; last seen: " + last);
    }

    private static KafkaProducer<byte[], byte[]> producer(BenchBroker broker) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(), "acks", "all",
                "enable.idempotence", true), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A trial that failed half-way must not leave the cluster a node short for the trials after it. */
    private static void restartDeadNodes(BenchBroker broker) {
        for (int id = 1; id <= broker.replicationFactor(); id++) {
            if (!broker.isAlive(id)) {
                broker.restart(id);
            }
        }
    }
}
