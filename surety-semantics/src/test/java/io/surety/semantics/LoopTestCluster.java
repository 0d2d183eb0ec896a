package io.surety.semantics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A partitioned input log and a consumer group's committed offsets, shared by successive
 * incarnations of a loop: what survives a crash of the process. Consumers and producers are
 * kafka-clients' MockConsumer and MockProducer, fed from the log and committing into the group.
 */
final class LoopTestCluster {

    final String topic;
    final List<TopicPartition> partitions = new ArrayList<>();
    final Map<TopicPartition, List<ConsumerRecord<String, String>>> log = new HashMap<>();
    final Map<TopicPartition, Long> committed = new HashMap<>();

    LoopTestCluster(String topic, int partitionCount, int recordsPerPartition) {
        this.topic = topic;
        for (int p = 0; p < partitionCount; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            partitions.add(tp);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            for (int o = 0; o < recordsPerPartition; o++) {
                records.add(new ConsumerRecord<>(topic, p, o, "k" + o, p + "-" + o));
            }
            log.put(tp, records);
        }
    }

    int size() {
        return log.values().stream().mapToInt(List::size).sum();
    }

    boolean allCommitted() {
        return partitions.stream().allMatch(tp -> committed.getOrDefault(tp, 0L) == log.get(tp).size());
    }

    /** Thrown from a crash hook: leaves the loop at once, as a killed process would. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(CrashPoint point) {
            super("simulated crash at " + point, null, false, false);
        }
    }

    /** A hook that crashes the {@code nth} time {@code point} is reached. */
    static CrashHook crashAt(CrashPoint point, int nth) {
        int[] seen = {0};
        return reached -> {
            if (reached == point && ++seen[0] == nth) {
                throw new Crash(point);
            }
        };
    }

    /**
     * A consumer of the log: on its first poll it is assigned every partition at the group's
     * committed offsets; each poll hands out up to {@code batch} records per partition from the
     * current position; commits go to the group, and can be made to fail.
     */
    final class LogConsumer extends MockConsumer<String, String> {
        private final int batch;
        private final Deque<RuntimeException> commitFailures = new ArrayDeque<>();
        private final Deque<Runnable> beforePolls = new ArrayDeque<>();
        /** Every seek, in order, as "partition@offset". */
        final List<String> seeks = new ArrayList<>();
        private java.util.function.BooleanSupplier stopCondition = LoopTestCluster.this::allCommitted;
        private Runnable stop = () -> { };
        private boolean assigned;

        LogConsumer(int batch) {
            super("earliest");
            this.batch = batch;
        }

        /** Runs {@code action} (say, the loop's shutdown) at each poll once the group committed everything. */
        LogConsumer whenDrained(Runnable action) {
            return when(LoopTestCluster.this::allCommitted, action);
        }

        /** Runs {@code action} at each poll once {@code condition} holds. */
        LogConsumer when(java.util.function.BooleanSupplier condition, Runnable action) {
            this.stopCondition = condition;
            this.stop = action;
            return this;
        }

        void failNextCommit(RuntimeException failure) {
            commitFailures.add(failure);
        }

        /** Runs {@code action} at the start of the poll after next (the first one assigns). */
        void beforeSecondPoll(Runnable action) {
            beforePolls.add(action);
        }

        @Override
        public synchronized ConsumerRecords<String, String> poll(Duration timeout) {
            if (!assigned && !subscription().isEmpty()) {
                assigned = true;
                rebalance(partitions);
                partitions.forEach(tp -> seek(tp, committed.getOrDefault(tp, 0L)));
            } else if (!beforePolls.isEmpty()) {
                beforePolls.poll().run();
            }
            if (stopCondition.getAsBoolean()) {
                stop.run();
            }
            for (TopicPartition tp : assignment()) {
                List<ConsumerRecord<String, String>> records = log.get(tp);
                long position = position(tp);
                for (long o = position; o < Math.min(position + batch, records.size()); o++) {
                    addRecord(records.get((int) o));
                }
            }
            return super.poll(timeout);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            seeks.add(partition + "@" + offset);
            super.seek(partition, offset);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (!commitFailures.isEmpty()) {
                throw commitFailures.poll();
            }
            super.commitSync(offsets);
            offsets.forEach((tp, offset) -> committed.put(tp, offset.offset()));
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            commitSync(offsets);
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> wanted) {
            Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
            wanted.forEach(tp -> {
                if (committed.containsKey(tp)) {
                    result.put(tp, new OffsetAndMetadata(committed.get(tp)));
                }
            });
            return result;
        }
    }

    /** A transactional producer whose committed transactions commit their offsets into the group. */
    final class TxnProducer extends MockProducer<String, String> {
        private final Deque<RuntimeException> commitFailures = new ArrayDeque<>();

        TxnProducer() {
            super(true, null, new StringSerializer(), new StringSerializer());
        }

        void failNextCommit(RuntimeException failure) {
            commitFailures.add(failure);
        }

        @Override
        public void commitTransaction() {
            if (!commitFailures.isEmpty()) {
                throw commitFailures.poll();
            }
            Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = new HashMap<>(uncommittedOffsets());
            super.commitTransaction();
            offsets.values().forEach(byPartition ->
                    byPartition.forEach((tp, offset) -> committed.put(tp, offset.offset())));
        }
    }
}
