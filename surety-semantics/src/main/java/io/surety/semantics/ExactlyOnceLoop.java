package io.surety.semantics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume, transform, produce, exactly once: each batch's output records and its consumed offsets
 * are committed in one transaction, so after any crash the output holds each input's result once.
 *
 * <pre>{@code
 * ExactlyOnceLoop<String, String, String, String> loop = ExactlyOnceLoop.builder(
 *                 Guarantee.EXACTLY_ONCE.newConsumer(consumerSettings, new StringDeserializer(), new StringDeserializer()),
 *                 Guarantee.EXACTLY_ONCE.newProducer(producerSettings, new StringSerializer(), new StringSerializer()))
 *         .topics(List.of("orders"))
 *         .transformer(record -> List.of(new ProducerRecord<>("invoices", record.key(), invoice(record.value()))))
 *         .build();
 * LoopExit exit = loop.run();
 * }</pre>
 *
 * <p>{@code run()} first calls {@code initTransactions()} (which also finishes whatever an earlier
 * instance with the same {@code transactional.id} left open). Then, for each polled batch:
 * {@code beginTransaction}; transform each record (again per the {@link RetryPolicy} if it throws)
 * and send its output; {@code sendOffsetsToTransaction} with the offsets after the batch and the
 * consumer's {@code groupMetadata()} (so a zombie from an older group generation is fenced);
 * {@code commitTransaction}.
 *
 * <p><b>Failures.</b> When the transaction fails (a send error, a rebalance that makes the group
 * metadata stale, a broker error), it is aborted and the consumer is rewound to the committed
 * offsets of the batch's partitions (to the batch's first offsets where none are committed), so
 * the batch is read and transformed again; after {@code transactionAttempts} failures in a row the
 * loop stops with {@link LoopExit.Failed}. A commit that times out is retried, never aborted (its
 * outcome is unknown until it is retried). A record that fails every transform attempt goes, inside
 * the same transaction, to the dead-letter record the {@code deadLetters} function makes; without
 * one the transaction is aborted, the consumer rewound, and the loop stops. If the producer is
 * fenced ({@link ProducerFencedException}: another instance with the same id took over) the loop
 * stops with {@link LoopExit.Fenced}; other fatal producer errors end it with
 * {@link LoopExit.Failed}. Partitions revoked while a transaction is open (never, while the loop
 * transforms between polls; only if a rebalance callback runs inside one) abort it.
 *
 * <p>{@link #shutdown()} lets the open transaction commit, then stops. The consumer needs
 * {@code enable.auto.commit=false}, {@code isolation.level=read_committed} and a {@code group.id};
 * the producer a {@code transactional.id} ({@link Guarantee#EXACTLY_ONCE} sets the rest).
 */
public final class ExactlyOnceLoop<K, V, KO, VO> implements ProcessingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceLoop.class);

    private final Consumer<K, V> consumer;
    private final Producer<KO, VO> producer;
    private final List<String> topics;
    private final RecordTransformer<K, V, KO, VO> transformer;
    private final Retrier retrier;
    private final Optional<Function<ConsumerRecord<K, V>, ProducerRecord<KO, VO>>> deadLetters;
    private final CrashHook crashHook;
    private final Duration pollTimeout;
    private final int transactionAttempts;
    private final LoopLifecycle lifecycle;
    /** Loop thread only. */
    private boolean inTransaction;
    private int failuresInARow;

    private ExactlyOnceLoop(Builder<K, V, KO, VO> builder) {
        this.consumer = builder.consumer;
        this.producer = builder.producer;
        this.topics = LoopSupport.checkTopics(builder.topics);
        this.lifecycle = new LoopLifecycle(consumer, LOG);
        this.transformer = LoopSupport.required(builder.transformer,
                "transformer (the code that turns each record into output records)");
        this.retrier = new Retrier(builder.retry, builder.sleeper);
        this.deadLetters = builder.deadLetters;
        this.crashHook = builder.crashHook;
        this.pollTimeout = builder.pollTimeout;
        this.transactionAttempts = builder.transactionAttempts;
    }

    /**
     * Starts building a loop around {@code consumer} and the transactional {@code producer}, which
     * the loop will own and close.
     */
    public static <K, V, KO, VO> Builder<K, V, KO, VO> builder(Consumer<K, V> consumer, Producer<KO, VO> producer) {
        return new Builder<>(LoopSupport.required(consumer, "consumer"), LoopSupport.required(producer, "producer"));
    }

    @Override
    public LoopExit run() {
        lifecycle.claimRun();
        LoopExit exit;
        boolean orderly = false;
        try {
            producer.initTransactions();
            consumer.subscribe(topics, new AbortOnRevoke());
            exit = lifecycle.stepUntilShutdown(this::pollOnce);
            orderly = true;
        } catch (RuntimeException e) {
            Optional<KafkaException> fenced = causeOfType(e, ProducerFencedException.class, FencedInstanceIdException.class);
            if (fenced.isPresent()) {
                LOG.warn("Fenced: another instance took over; stopping", e);
                exit = new LoopExit.Fenced(fenced.get());
            } else {
                exit = new LoopExit.Failed(e);
            }
            orderly = true;
        } finally {
            if (!orderly) {
                // A crash leaves the transaction open, as a killed process would; the coordinator
                // aborts it when it times out or when the next instance calls initTransactions.
                inTransaction = false;
            }
            LoopSupport.closeQuietly(producer, "producer", LOG);
            LoopSupport.closeQuietly(consumer, "consumer", LOG);
        }
        return exit;
    }

    @Override
    public void shutdown() {
        lifecycle.shutdown();
    }

    /** One poll and its transaction. Package-private: tests call it step by step. */
    void pollOnce() {
        ConsumerRecords<K, V> records = consumer.poll(pollTimeout);
        if (records.isEmpty()) {
            return;
        }
        crashHook.reached(CrashPoint.AFTER_POLL);
        Map<TopicPartition, Long> batchStart = LoopSupport.firstOffsets(records);
        producer.beginTransaction();
        inTransaction = true;
        try {
            int left = records.count();
            for (ConsumerRecord<K, V> record : records) {
                for (ProducerRecord<KO, VO> output : outputOf(record)) {
                    producer.send(output);
                }
                if (--left > 0) {
                    crashHook.reached(CrashPoint.MID_PROCESSING);
                }
            }
            producer.sendOffsetsToTransaction(LoopSupport.nextOffsets(records), consumer.groupMetadata());
            crashHook.reached(CrashPoint.AFTER_PROCESS_BEFORE_COMMIT);
            commit();
            failuresInARow = 0;
        } catch (ProcessingFailedException e) {
            abortAndRewind(batchStart, e);
            throw e;
        } catch (KafkaException e) {
            if (isFatal(e)) {
                throw e;
            }
            abortAndRewind(batchStart, e);
            if (++failuresInARow >= transactionAttempts) {
                throw new KafkaException("The transaction failed " + failuresInARow + " times in a row", e);
            }
            return;
        }
        crashHook.reached(CrashPoint.AFTER_BATCH);
    }

    private List<ProducerRecord<KO, VO>> outputOf(ConsumerRecord<K, V> record) {
        try {
            List<ProducerRecord<KO, VO>> output = retrier.call(record, () -> transformer.transform(record));
            return output == null ? List.of() : output;
        } catch (ProcessingFailedException failure) {
            if (deadLetters.isEmpty()) {
                throw failure;
            }
            ProducerRecord<KO, VO> letter = deadLetters.get().apply(record);
            DeadLetters.describe(letter.headers(), record, failure);
            LOG.warn("Sending {}-{} offset {} to the dead-letter topic after {} attempts", record.topic(),
                    record.partition(), record.offset(), failure.attempts(), failure.getCause());
            return List.of(letter);
        }
    }

    /** Commits; a timeout leaves the outcome unknown, so the commit is retried, never aborted. */
    private void commit() {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                inTransaction = false;
                return;
            } catch (TimeoutException e) {
                if (attempt >= transactionAttempts) {
                    throw new IllegalStateException("commitTransaction timed out " + attempt
                            + " times; its outcome is unknown, so the loop stops (a restart's initTransactions"
                            + " settles it)", e);
                }
                LOG.warn("commitTransaction timed out; retrying it", e);
            }
        }
    }

    /**
     * Errors after which the producer cannot go on. The client may report them wrapped (a send after
     * fencing throws a {@code KafkaException} whose cause is the {@code ProducerFencedException}).
     */
    private static boolean isFatal(KafkaException e) {
        return causeOfType(e, ProducerFencedException.class, FencedInstanceIdException.class,
                OutOfOrderSequenceException.class, AuthorizationException.class, AuthenticationException.class,
                UnsupportedVersionException.class).isPresent();
    }

    @SafeVarargs
    private static Optional<KafkaException> causeOfType(Throwable e, Class<? extends KafkaException>... types) {
        int depth = 0;
        for (Throwable cause = e; cause != null && depth++ < 32; cause = cause.getCause()) {
            for (Class<? extends KafkaException> type : types) {
                if (type.isInstance(cause)) {
                    return Optional.of(type.cast(cause));
                }
            }
        }
        return Optional.empty();
    }

    private void abortAndRewind(Map<TopicPartition, Long> batchStart, Exception cause) {
        LOG.warn("Aborting the transaction and rewinding {} to the committed offsets", batchStart.keySet(), cause);
        abort();
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
        try {
            committed = consumer.committed(batchStart.keySet());
        } catch (RuntimeException e) {
            LOG.warn("Could not read the committed offsets; rewinding to the batch's first offsets", e);
        }
        for (Map.Entry<TopicPartition, Long> start : batchStart.entrySet()) {
            if (assigned.contains(start.getKey())) {
                OffsetAndMetadata offset = committed == null ? null : committed.get(start.getKey());
                consumer.seek(start.getKey(), offset != null ? offset.offset() : start.getValue());
            }
        }
    }

    private void abort() {
        if (!inTransaction) {
            return;
        }
        inTransaction = false;
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            if (isFatal(e)) {
                throw e;
            }
            LOG.warn("abortTransaction failed; the coordinator aborts the transaction when it times out", e);
        }
    }

    /** Aborts an open transaction before its partitions move to another consumer. */
    private final class AbortOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (inTransaction) {
                abort();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Positions come from the offsets committed by the transactions.
        }
    }

    /** Builds an {@link ExactlyOnceLoop}. Not thread-safe. */
    public static final class Builder<K, V, KO, VO> {
        private final Consumer<K, V> consumer;
        private final Producer<KO, VO> producer;
        private List<String> topics;
        private RecordTransformer<K, V, KO, VO> transformer;
        private RetryPolicy retry = RetryPolicy.none();
        private Optional<Function<ConsumerRecord<K, V>, ProducerRecord<KO, VO>>> deadLetters = Optional.empty();
        private CrashHook crashHook = CrashHook.NONE;
        private Duration pollTimeout = LoopSupport.DEFAULT_POLL_TIMEOUT;
        private int transactionAttempts = 5;
        private Sleeper sleeper = Sleeper.SYSTEM;

        private Builder(Consumer<K, V> consumer, Producer<KO, VO> producer) {
            this.consumer = consumer;
            this.producer = producer;
        }

        /** The topics to subscribe to (at least one). */
        public Builder<K, V, KO, VO> topics(List<String> topics) {
            this.topics = topics;
            return this;
        }

        /** The transformation of each record into output records. */
        public Builder<K, V, KO, VO> transformer(RecordTransformer<K, V, KO, VO> transformer) {
            this.transformer = transformer;
            return this;
        }

        /** How often to call the transformer for a record that throws (default: once). */
        public Builder<K, V, KO, VO> retry(RetryPolicy retry) {
            this.retry = LoopSupport.required(retry, "retry");
            return this;
        }

        /**
         * Makes the dead-letter record (topic included) for a record that failed every attempt; it is
         * sent in the same transaction, with headers saying where it came from and why.
         */
        public Builder<K, V, KO, VO> deadLetters(Function<ConsumerRecord<K, V>, ProducerRecord<KO, VO>> toDeadLetter) {
            this.deadLetters = Optional.of(LoopSupport.required(toDeadLetter, "dead-letter function"));
            return this;
        }

        /** Called at each {@link CrashPoint} (default: nothing). */
        public Builder<K, V, KO, VO> crashHook(CrashHook crashHook) {
            this.crashHook = LoopSupport.required(crashHook, "crashHook");
            return this;
        }

        /** How long each poll waits for records (default 500 ms). */
        public Builder<K, V, KO, VO> pollTimeout(Duration pollTimeout) {
            this.pollTimeout = LoopSupport.checkPollTimeout(pollTimeout);
            return this;
        }

        /** Failed transactions in a row before the loop stops (default 5). */
        public Builder<K, V, KO, VO> transactionAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("transactionAttempts must be at least 1: " + attempts);
            }
            this.transactionAttempts = attempts;
            return this;
        }

        Builder<K, V, KO, VO> sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * @throws IllegalArgumentException if there are no topics
         * @throws NullPointerException     naming what is missing, if there is no transformer
         */
        public ExactlyOnceLoop<K, V, KO, VO> build() {
            return new ExactlyOnceLoop<>(this);
        }
    }
}
