package io.surety.check.workload;

import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A producer of the check, run as its own process so that the check can kill it with
 * {@code kill -9} the way a producer application dies. It sends numbered records at a steady rate
 * until SIGTERM, writing every send and its outcome to its own history file; on SIGTERM it stops
 * sending, waits for the outcomes of what it sent (closing the producer flushes) and exits.
 *
 * <p>With {@code --transaction-size} it is transactional: records go in transactions of that
 * size, every {@code --abort-every}th transaction is aborted on purpose, and records are
 * acknowledged only when their transaction commits.
 */
@Command(name = "surety-check-producer", mixinStandardHelpOptions = true)
public final class ProducerMain implements Callable<Integer> {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    private static final int COMMIT_ATTEMPTS = 5;

    @Option(names = "--guarantee", required = true)
    String guarantee;
    @Option(names = "--id", required = true, description = "this instance's name in the history")
    String id;
    @Option(names = "--topic", required = true)
    String topic;
    @Option(names = "--config", required = true, description = "the producer's properties, complete")
    Path config;
    @Option(names = "--history", required = true)
    Path historyFile;
    @Option(names = "--rate", defaultValue = "200", description = "records per second")
    int rate;
    @Option(names = "--record-size", defaultValue = "100")
    int recordSize;
    @Option(names = "--transaction-size", defaultValue = "0", description = "0: not transactional")
    int transactionSize;
    @Option(names = "--abort-every", defaultValue = "7")
    int abortEvery;

    private volatile boolean stopping;
    private final CountDownLatch finished = new CountDownLatch(1);
    private HistoryWriter history;
    private long nextSeq;
    private long nextSendNs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProducerMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(config)) {
            settings.load(in);
        }
        history = HistoryWriter.append(historyFile);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAndWait, "producer-stop"));
        try {
            nextSendNs = System.nanoTime();
            if (transactionSize > 0) {
                runTransactional(settings);
            } else {
                runPlain(settings);
            }
            return 0;
        } finally {
            finished.countDown();
        }
    }

    private void runPlain(Properties settings) {
        KafkaProducer<String, String> producer = newProducer(settings);
        try {
            while (!stopping) {
                pace(1);
                send(producer, nextSeq++, null);
            }
        } finally {
            producer.close(CLOSE_TIMEOUT); // waits for the outcome of every record sent
        }
    }

    private void runTransactional(Properties settings) {
        KafkaProducer<String, String> producer = newTransactionalProducer(settings);
        try {
            for (long transaction = 0; !stopping; transaction++) {
                pace(transactionSize);
                boolean abortOnPurpose = transaction % abortEvery == abortEvery - 1;
                if (!runTransaction(producer, abortOnPurpose)) {
                    // The producer is in a state only a new instance can leave (abort failed):
                    // start over with the same transactional.id, which aborts whatever is open.
                    producer.close(Duration.ZERO);
                    producer = newTransactionalProducer(settings);
                }
            }
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
            System.err.println("producer " + id + " cannot go on: " + fatal);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    /** Returns false when the producer must be replaced. */
    private boolean runTransaction(KafkaProducer<String, String> producer, boolean abortOnPurpose) {
        long first = nextSeq;
        nextSeq += transactionSize;
        long[] partitions = new long[transactionSize];
        long[] offsets = new long[transactionSize];
        try {
            producer.beginTransaction();
            for (int i = 0; i < transactionSize; i++) {
                int index = i;
                send(producer, first + i, (partition, offset) -> {
                    partitions[index] = partition;
                    offsets[index] = offset;
                });
            }
            if (abortOnPurpose) {
                // Written first, so the aborted records are in the log for readers to wrongly see;
                // an abort before the flush would drop them in the client and test nothing.
                producer.flush();
                producer.abortTransaction();
                failAll(first, "aborted on purpose");
                return true;
            }
            commit(producer);
            for (int i = 0; i < transactionSize; i++) {
                history.write(HistoryEvent.ack(guarantee, id, first + i, (int) partitions[i], offsets[i]));
            }
            return true;
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
            throw fatal;
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
                failAll(first, "aborted after " + describe(e));
                return true;
            } catch (KafkaException abortFailed) {
                return false; // outcome unknown: the records stay without an ACK or FAIL
            }
        }
    }

    private void commit(KafkaProducer<String, String> producer) {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (attempt == COMMIT_ATTEMPTS || stopping) {
                    throw e;
                }
                // Kafka allows the same commit to be retried after a timeout.
            }
        }
    }

    private void failAll(long first, String why) {
        for (int i = 0; i < transactionSize; i++) {
            history.write(HistoryEvent.fail(guarantee, id, first + i, why));
        }
    }

    /** Where an acknowledged record landed, for a transaction to report once it commits. */
    private interface Landing {
        void landed(int partition, long offset);
    }

    private void send(KafkaProducer<String, String> producer, long seq, Landing landing) {
        CheckRecord record = new CheckRecord(id, seq);
        history.write(HistoryEvent.send(guarantee, id, seq));
        try {
            producer.send(new ProducerRecord<>(topic, record.key(), record.value(recordSize)), (metadata, error) -> {
                if (error != null) {
                    if (landing == null) {
                        history.write(HistoryEvent.fail(guarantee, id, seq, describe(error)));
                    }
                } else if (landing != null) {
                    landing.landed(metadata.partition(), metadata.offset());
                } else {
                    history.write(HistoryEvent.ack(guarantee, id, seq, metadata.partition(),
                            metadata.hasOffset() ? metadata.offset() : -1));
                }
            });
        } catch (KafkaException e) {
            if (landing != null) {
                throw e;
            }
            history.write(HistoryEvent.fail(guarantee, id, seq, describe(e)));
        }
    }

    /** Waits until {@code records} more records are due at the configured rate. */
    private void pace(int records) {
        long now = System.nanoTime();
        if (nextSendNs - now > 0) {
            LockSupport.parkNanos(nextSendNs - now);
        } else if (now - nextSendNs > 1_000_000_000L) {
            nextSendNs = now; // fell behind (a blocked send): do not burst to catch up
        }
        nextSendNs += records * 1_000_000_000L / rate;
    }

    private KafkaProducer<String, String> newProducer(Properties settings) {
        return new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }

    private KafkaProducer<String, String> newTransactionalProducer(Properties settings) {
        KafkaProducer<String, String> producer = newProducer(settings);
        for (int attempt = 1; ; attempt++) {
            try {
                producer.initTransactions();
                return producer;
            } catch (TimeoutException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    producer.close(Duration.ZERO);
                    throw e;
                }
                // the coordinator may be restarting: Kafka allows initTransactions to be retried
            }
        }
    }

    private void stopAndWait() {
        stopping = true;
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        history.close();
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }
}
