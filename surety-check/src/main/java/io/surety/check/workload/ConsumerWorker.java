package io.surety.check.workload;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryWriter;
import io.surety.semantics.AtLeastOnceLoop;
import io.surety.semantics.AtMostOnceLoop;
import io.surety.semantics.CrashHook;
import io.surety.semantics.CrashPoint;
import io.surety.semantics.ExactlyOnceLoop;
import io.surety.semantics.Guarantee;
import io.surety.semantics.LoopExit;
import io.surety.semantics.ProcessingLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming side of one guarantee: runs surety-semantics' loop for it on its own thread
 * (at-most-once and at-least-once process each record; exactly-once copies each record to the
 * output topic in a transaction), and starts a new instance whenever one ends before
 * {@link #stop()} — after a crash injected with {@link #crashAt}, or after a failure.
 *
 * <p>Every instance is a new actor in the history ({@code <guarantee>-c<n>}); they all share the
 * group, and for exactly-once the transactional.id, as restarts of one application would.
 */
public final class ConsumerWorker {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerWorker.class);

    private final Guarantee guarantee;
    private final String inputTopic;
    private final String outputTopic;
    private final Properties consumerSettings;
    private final Properties copierProducerSettings;
    private final HistoryWriter history;
    private final AtomicReference<CrashPoint> armed = new AtomicReference<>();
    private final AtomicReference<ProcessingLoop> current = new AtomicReference<>();
    private final AtomicInteger instances = new AtomicInteger();
    private final AtomicLong processed = new AtomicLong();
    private final CountDownLatch firstAssignment = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param outputTopic            exactly-once only: where the copier writes; null otherwise
     * @param copierProducerSettings exactly-once only: the copier's transactional producer settings
     */
    public ConsumerWorker(Guarantee guarantee, String inputTopic, String outputTopic, Properties consumerSettings,
                          Properties copierProducerSettings, HistoryWriter history) {
        this.guarantee = guarantee;
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
        this.consumerSettings = consumerSettings;
        this.copierProducerSettings = copierProducerSettings;
        this.history = history;
        this.thread = new Thread(this::runInstances, guarantee.label() + "-consumer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Waits until the first instance has been assigned partitions; false on timeout. */
    public boolean awaitFirstAssignment(long timeoutMs) throws InterruptedException {
        return firstAssignment.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The running instance will crash the next time its loop reaches {@code point}. */
    public void crashAt(CrashPoint point) {
        armed.set(point);
    }

    /** Records processed (exactly-once: copied in a committed transaction) so far, by any instance. */
    public long processed() {
        return processed.get();
    }

    /** Asks the running instance to shut down in order, waits up to {@code grace}, and starts no other. */
    public void stop(Duration grace) throws InterruptedException {
        stopping = true;
        ProcessingLoop loop = current.get();
        if (loop != null) {
            loop.shutdown();
        }
        thread.join(grace.toMillis());
    }

    private void runInstances() {
        while (!stopping) {
            String actor = guarantee.label() + "-c" + instances.incrementAndGet();
            try {
                ProcessingLoop loop = newLoop(actor);
                current.set(loop);
                if (stopping) {
                    loop.shutdown();
                }
                LoopExit exit = loop.run();
                if (!stopping) {
                    LOG.warn("{} ended: {}; starting another instance", actor, exit);
                }
            } catch (SimulatedCrash crash) {
                LOG.info("{} crashed on purpose: {}", actor, crash.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("{} failed; starting another instance", actor, e);
            }
        }
    }

    private ProcessingLoop newLoop(String actor) {
        Properties settings = new Properties();
        settings.putAll(consumerSettings);
        settings.put("client.id", actor);
        Consumer<byte[], byte[]> consumer = RecordingConsumer.wrap(
                new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                history, guarantee.label(), actor, firstAssignment::countDown);
        CrashHookOnce hook = new CrashHookOnce(actor);
        return switch (guarantee) {
            case AT_MOST_ONCE -> AtMostOnceLoop.builder(consumer).topics(List.of(inputTopic))
                    .handler(record -> process(actor, record)).crashHook(hook).build();
            case AT_LEAST_ONCE -> AtLeastOnceLoop.builder(consumer).topics(List.of(inputTopic))
                    .handler(record -> process(actor, record)).crashHook(hook).build();
            case EXACTLY_ONCE -> newCopier(actor, consumer, hook);
        };
    }

    private ProcessingLoop newCopier(String actor, Consumer<byte[], byte[]> consumer, CrashHookOnce hook) {
        Properties settings = new Properties();
        settings.putAll(copierProducerSettings);
        settings.put("client.id", actor + "-producer");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer());
        List<ConsumerRecord<byte[], byte[]>> inTransaction = new ArrayList<>();
        hook.onBatchDone(() -> {
            inTransaction.forEach(record -> process(actor, record));
            inTransaction.clear();
        });
        hook.onPoll(inTransaction::clear);
        return ExactlyOnceLoop.<byte[], byte[], byte[], byte[]>builder(consumer, producer)
                .topics(List.of(inputTopic))
                .transformer(record -> {
                    inTransaction.add(record);
                    return List.of(new ProducerRecord<>(outputTopic, record.key(), record.value()));
                })
                .crashHook(hook)
                .build();
    }

    private void process(String actor, ConsumerRecord<byte[], byte[]> record) {
        CheckRecord identity = CheckRecord.parse(record.value(), record.partition(), record.offset());
        history.write(HistoryEvent.read(EventType.PROCESS, guarantee.label(), actor, identity.producer(),
                identity.seq(), record.partition(), record.offset()));
        processed.incrementAndGet();
    }

    /** Crashes at the armed point, once; also tells the copier when a batch is polled and done. */
    private final class CrashHookOnce implements CrashHook {

        private final String actor;
        private Runnable onPoll = () -> { };
        private Runnable onBatchDone = () -> { };

        CrashHookOnce(String actor) {
            this.actor = actor;
        }

        void onPoll(Runnable action) {
            onPoll = action;
        }

        void onBatchDone(Runnable action) {
            onBatchDone = action;
        }

        @Override
        public void reached(CrashPoint point) {
            if (point == CrashPoint.AFTER_POLL) {
                onPoll.run();
            }
            if (point == CrashPoint.AFTER_BATCH) {
                onBatchDone.run();
            }
            if (armed.compareAndSet(point, null)) {
                String name = point.name().toLowerCase(Locale.ROOT).replace('_', '-');
                history.write(HistoryEvent.note(EventType.CRASH, guarantee.label(), actor, name));
                throw new SimulatedCrash(name);
            }
        }
    }
}
