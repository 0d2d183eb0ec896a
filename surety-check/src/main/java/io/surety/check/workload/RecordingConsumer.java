package io.surety.check.workload;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Wraps a consumer so that what the processing loop does with it lands in the history: each
 * record a poll returns (POLL), each successful synchronous commit (COMMIT, per partition), and
 * each change of assignment (ASSIGN, via the loop's own rebalance listener, wrapped).
 *
 * <p>A dynamic proxy rather than a hand-written delegate: the loops of surety-semantics take the
 * public {@link Consumer} interface, which has dozens of methods and gains more with each Kafka
 * release; only three of them are of interest here and everything else passes through untouched.
 */
public final class RecordingConsumer implements InvocationHandler {

    private final Consumer<byte[], byte[]> delegate;
    private final HistoryWriter history;
    private final String guarantee;
    private final String actor;
    private final Runnable onAssigned;
    private final Set<Integer> assigned = new TreeSet<>();

    private RecordingConsumer(Consumer<byte[], byte[]> delegate, HistoryWriter history, String guarantee, String actor,
                              Runnable onAssigned) {
        this.delegate = delegate;
        this.onAssigned = onAssigned;
        this.history = history;
        this.guarantee = guarantee;
        this.actor = actor;
    }

    /** Wraps {@code delegate}; {@code onAssigned} runs each time the consumer is given partitions. */
    @SuppressWarnings("unchecked")
    public static Consumer<byte[], byte[]> wrap(Consumer<byte[], byte[]> delegate, HistoryWriter history,
                                                String guarantee, String actor, Runnable onAssigned) {
        return (Consumer<byte[], byte[]>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
                new Class<?>[] {Consumer.class}, new RecordingConsumer(delegate, history, guarantee, actor, onAssigned));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Object[] passed = args;
        if (method.getName().equals("subscribe") && args != null && args[0] instanceof Collection<?> topics) {
            if (args.length == 2 && args[1] instanceof ConsumerRebalanceListener listener) {
                passed = new Object[] {topics, new RecordingListener(listener)};
            } else if (args.length == 1) {
                // a loop without a listener of its own still has its assignments recorded
                subscribeRecorded(topics);
                return null;
            }
        }
        Object result;
        try {
            result = method.invoke(delegate, passed);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        switch (method.getName()) {
            case "poll" -> recordPoll((ConsumerRecords<?, ?>) result);
            case "commitSync" -> recordCommit(args);
            default -> { }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private void subscribeRecorded(Collection<?> topics) {
        delegate.subscribe((Collection<String>) topics, new RecordingListener(new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        }));
    }

    private void recordPoll(ConsumerRecords<?, ?> records) {
        for (ConsumerRecord<?, ?> record : records) {
            CheckRecord identity = CheckRecord.parse((byte[]) record.value(), record.partition(), record.offset());
            history.write(HistoryEvent.read(EventType.POLL, guarantee, actor, identity.producer(), identity.seq(),
                    record.partition(), record.offset()));
        }
    }

    @SuppressWarnings("unchecked")
    private void recordCommit(Object[] args) {
        if (args != null && args.length > 0 && args[0] instanceof Map<?, ?> offsets) {
            ((Map<TopicPartition, OffsetAndMetadata>) offsets).forEach((partition, offset) ->
                    history.write(HistoryEvent.commit(guarantee, actor, partition.partition(), offset.offset())));
        } else {
            // commitSync() without offsets commits the consumer's positions for its assignment
            for (TopicPartition partition : delegate.assignment()) {
                history.write(HistoryEvent.commit(guarantee, actor, partition.partition(), delegate.position(partition)));
            }
        }
    }

    private void recordAssignment() {
        history.write(HistoryEvent.assign(guarantee, actor,
                assigned.stream().map(String::valueOf).collect(Collectors.joining(","))));
    }

    /** Passes every callback on to the loop's listener, then records the new assignment. */
    private final class RecordingListener implements ConsumerRebalanceListener {

        private final ConsumerRebalanceListener inner;

        RecordingListener(ConsumerRebalanceListener inner) {
            this.inner = inner;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            inner.onPartitionsRevoked(partitions);
            partitions.forEach(partition -> assigned.remove(partition.partition()));
            recordAssignment();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            inner.onPartitionsAssigned(partitions);
            partitions.forEach(partition -> assigned.add(partition.partition()));
            recordAssignment();
            if (!assigned.isEmpty()) {
                onAssigned.run();
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            inner.onPartitionsLost(partitions);
            partitions.forEach(partition -> assigned.remove(partition.partition()));
            recordAssignment();
        }
    }
}
