package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The record batches of one partition exactly as the broker stores them (codec, producer id,
 * sequence), read with a raw Fetch from offset 0, which returns stored batches unchanged. Stateless.
 */
final class StoredBatches {

    private static final int MAX_BYTES = 8 << 20;

    private StoredBatches() {
    }

    /** Every batch of {@code topic}-{@code partition} up to 8 MiB, read_uncommitted. */
    static List<RecordBatch> read(int port, String topic, int partition) throws IOException {
        FetchRequestData request = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(MAX_BYTES).setIsolationLevel((byte) 0);
        request.topics().add(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(partition).setFetchOffset(0).setLogStartOffset(-1)
                        .setPartitionMaxBytes(MAX_BYTES))));
        try (RawKafkaConnection connection = RawKafkaConnection.open(port)) {
            FetchResponseData response = connection.call(ApiKeys.FETCH, (short) 11, request);
            FetchResponseData.PartitionData data = response.responses().get(0).partitions().get(0);
            assertThat(Errors.forCode(data.errorCode())).as("fetch of %s-%d", topic, partition).isEqualTo(Errors.NONE);
            List<RecordBatch> batches = new ArrayList<>();
            ((MemoryRecords) data.records()).batches().forEach(batches::add);
            return batches;
        }
    }

    /** How many records {@code batches} hold, control records included. */
    static long recordCount(List<RecordBatch> batches) {
        return batches.stream().mapToLong(b -> b.nextOffset() - b.baseOffset()).sum();
    }
}
