package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.log.FileSlice;
import io.surety.broker.partition.Partition;
import io.surety.broker.record.FileSliceRecords;
import io.surety.broker.record.ProducedBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch against real partitions on a temporary directory: the bytes returned are the appended
 * batches read back from the segment file, errors are answered per partition, and a fetch that
 * waits for {@code min_bytes} is woken by an append through the watchers it was given. The
 * handler pool runs inline; the timer is real but the waits here never reach it.
 */
class FetchHandlerTest {

    private static final short VERSION = 12;
    private static final int LONG_WAIT_MS = 60_000;

    @TempDir
    Path dataDir;

    private HandlerFixture fixture;
    private ScheduledExecutorService timer;
    private FetchHandler handler;

    @BeforeEach
    void createTopic() throws IOException {
        fixture = new HandlerFixture(dataDir);
        fixture.createTopic("events", 1);
        timer = Executors.newSingleThreadScheduledExecutor();
        handler = new FetchHandler(fixture.topics, fixture.partitions, fixture.metrics.topics(),
                new FetchWaiting(fixture.clock, timer, Runnable::run, fixture.watchers));
    }

    @AfterEach
    void close() {
        timer.shutdownNow();
        fixture.close();
    }

    @Test
    void shouldReturnTheAppendedRecordsWhenFetchingFromAnOffsetBelowTheHighWatermark() throws Exception {
        append("events", "a", "b", "c");

        PartitionData result = onlyPartition(fetch(fetchRequest("events", 1, 0, 0)).join());

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.highWatermark()).isEqualTo(3);
        assertThat(result.logStartOffset()).isZero();
        List<String> offsetsAndValues = new ArrayList<>();
        for (RecordBatch batch : readBack(result).batches()) {
            for (Record record : batch) {
                offsetsAndValues.add(record.offset() + "=" + StandardCharsets.UTF_8.decode(record.value()));
            }
        }
        assertThat(offsetsAndValues).containsExactly("0=a", "1=b", "2=c");
    }

    @Test
    void shouldAnswerOffsetOutOfRangeWithTheLogBoundsWhenFetchOffsetIsPastTheEnd() throws Exception {
        append("events", "a", "b");

        PartitionData result = onlyPartition(fetch(fetchRequest("events", 10, 0, 0)).join());

        assertThat(result.errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        assertThat(result.highWatermark()).isEqualTo(2);
        assertThat(result.logStartOffset()).isZero();
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionWhenTopicDoesNotExist() {
        PartitionData result = onlyPartition(fetch(fetchRequest("missing", 0, 0, 0)).join());

        assertThat(result.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(result.highWatermark()).isEqualTo(-1);
    }

    @Test
    void shouldAnswerEmptyAtOnceWhenNothingIsThereAndMaxWaitIsZero() {
        PartitionData result = onlyPartition(fetch(fetchRequest("events", 0, 1, 0)).join());

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.records().sizeInBytes()).isZero();
        assertThat(result.highWatermark()).isZero();
    }

    @Test
    void shouldWaitForMinBytesAndAnswerWhenAnAppendWakesTheFetch() throws Exception {
        CompletableFuture<FetchResponseData> pending = fetch(fetchRequest("events", 0, 1, LONG_WAIT_MS));
        assertThat(pending).isNotDone();

        append("events", "late");

        assertThat(pending).isDone();
        PartitionData result = onlyPartition(pending.join());
        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.highWatermark()).isEqualTo(1);
        Record record = readBack(result).records().iterator().next();
        assertThat(StandardCharsets.UTF_8.decode(record.value()).toString()).isEqualTo("late");
    }

    @Test
    void shouldAnswerFetchSessionIdNotFoundWhenClientAsksForASession() {
        FetchRequestData data = fetchRequest("events", 0, 0, 0).setSessionId(5).setSessionEpoch(1);

        FetchResponseData response = fetch(data).join();

        assertThat(response.errorCode()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        assertThat(response.responses()).isEmpty();
    }

    private void append(String topic, String... values) throws Exception {
        Partition partition = fixture.partition(topic, 0);
        ProducedBatch batch = ProducedBatch.parse(ProduceHandlerTest.records(values), null);
        assertThat(partition.append(batch, HandlerFixture.T0).error()).isEqualTo(Errors.NONE);
    }

    private CompletableFuture<FetchResponseData> fetch(FetchRequestData data) {
        return handler.handle(HandlerFixture.request(new FetchRequest(data, VERSION)))
                .thenApply(response -> (FetchResponseData) ((ApiResponse.Send) response).body());
    }

    private static FetchRequestData fetchRequest(String topic, long offset, int minBytes, int maxWaitMs) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(minBytes)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        FetchTopic fetchTopic = new FetchTopic().setTopic(topic);
        fetchTopic.partitions().add(new FetchPartition().setPartition(0).setFetchOffset(offset)
                .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1));
        data.topics().add(fetchTopic);
        return data;
    }

    private static PartitionData onlyPartition(FetchResponseData response) {
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.responses()).hasSize(1);
        assertThat(response.responses().get(0).partitions()).hasSize(1);
        return response.responses().get(0).partitions().get(0);
    }

    /** The bytes a fetch response points at in the segment file, as the client would read them. */
    private static MemoryRecords readBack(PartitionData result) {
        assertThat(result.records()).isInstanceOf(FileSliceRecords.class);
        FileSlice slice = ((FileSliceRecords) result.records()).slice();
        ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            Utils.readFully(slice.channel(), bytes, slice.position());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        bytes.flip();
        return MemoryRecords.readableRecords(bytes);
    }
}
