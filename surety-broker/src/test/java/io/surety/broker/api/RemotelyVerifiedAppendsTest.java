package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.record.InvalidBatchException;
import io.surety.broker.record.ProducedBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader whose coordinator runs elsewhere appends a transaction's first batch only on the
 * coordinator's word, refuses it when a marker for the producer came in meanwhile (the
 * verification guard), keeps a producer's batches in the order they arrived while one waits, and
 * maps the coordinator's refusals to the produce errors.
 */
class RemotelyVerifiedAppendsTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("events", 0);
    private static final long PRODUCER = 77L;

    @TempDir
    Path dataDir;

    private final List<CompletableFuture<Errors>> questions = new ArrayList<>();
    private PartitionRegistry registry;
    private Partition partition;
    private RemotelyVerifiedAppends appends;

    @BeforeEach
    void setUp() throws Exception {
        registry = new PartitionRegistry(dataDir, LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false),
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), tp -> { });
        partition = registry.open(TP, Uuid.randomUuid(), TopicConfig.of(BrokerConfig.of(Map.of()), Map.of()), true);
        appends = new RemotelyVerifiedAppends((coordinator, id, producerId, epoch, tp) -> {
            CompletableFuture<Errors> answer = new CompletableFuture<>();
            questions.add(answer);
            return answer;
        }, Runnable::run);
    }

    @AfterEach
    void tearDown() {
        registry.closeAll();
    }

    @Test
    void shouldAppendOnlyOnceTheCoordinatorConfirms() throws Exception {
        CompletableFuture<AppendOutcome> outcome = append(0);
        assertThat(outcome).isNotDone();
        assertThat(partition.logEndOffset()).isZero();

        questions.get(0).complete(Errors.NONE);

        assertThat(outcome.join().error()).isEqualTo(Errors.NONE);
        assertThat(partition.logEndOffset()).isEqualTo(1);
        assertThat(appends.needsVerification(partition, PRODUCER)).as("its transaction is open here now").isFalse();
    }

    @Test
    void shouldRefuseAnAnswerThatAMarkerOvertook() throws Exception {
        CompletableFuture<AppendOutcome> outcome = append(0);
        assertThat(partition.appendMarker(PRODUCER, (short) 0, false, T0).error()).isEqualTo(Errors.NONE);
        long end = partition.logEndOffset();

        questions.get(0).complete(Errors.NONE);

        assertThat(outcome.join().error()).isEqualTo(Errors.TRANSACTION_ABORTABLE);
        assertThat(partition.logEndOffset()).isEqualTo(end);
        assertThat(partition.hasOpenTransaction(PRODUCER)).isFalse();
    }

    @Test
    void shouldKeepAProducersBatchesInOrderWhileTheFirstWaits() throws Exception {
        CompletableFuture<AppendOutcome> first = append(0);
        assertThat(appends.needsVerification(partition, PRODUCER)).as("a verification is under way").isTrue();
        CompletableFuture<AppendOutcome> second = append(1);
        assertThat(second).isNotDone();
        assertThat(questions).hasSize(1);

        questions.get(0).complete(Errors.NONE);

        assertThat(first.join().baseOffset()).isZero();
        assertThat(second.join().error()).isEqualTo(Errors.NONE);
        assertThat(second.join().baseOffset()).isEqualTo(1);
        assertThat(questions).as("the second found the transaction open").hasSize(1);
    }

    @Test
    void shouldAnswerTheCoordinatorsRefusalsAsKafkaDoes() throws Exception {
        CompletableFuture<AppendOutcome> notAdded = append(0);
        questions.get(0).complete(Errors.TRANSACTION_ABORTABLE);
        assertThat(notAdded.join().error()).isEqualTo(Errors.TRANSACTION_ABORTABLE);

        CompletableFuture<AppendOutcome> fenced = append(0);
        questions.get(1).complete(Errors.PRODUCER_FENCED);
        assertThat(fenced.join().error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);

        CompletableFuture<AppendOutcome> completing = append(0);
        questions.get(2).complete(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(completing.join().error()).as("retried by the producer").isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        assertThat(partition.logEndOffset()).isZero();
    }

    private CompletableFuture<AppendOutcome> append(int sequence) throws InvalidBatchException {
        ProducedBatch batch = ProducedBatch.parse(MemoryRecords.withTransactionalRecords(Compression.NONE, PRODUCER,
                (short) 0, sequence, new SimpleRecord(T0, "k".getBytes(StandardCharsets.UTF_8),
                        ("v" + sequence).getBytes(StandardCharsets.UTF_8))));
        return appends.append(partition, batch, "txn", 2, T0, true, true);
    }
}
