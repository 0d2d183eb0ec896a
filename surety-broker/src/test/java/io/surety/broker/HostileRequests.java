package io.surety.broker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Well-formed requests with hostile field values: offsets, sizes, waits, epochs, acks,
 * timestamps, partition indexes and topic names at their edges (negative, zero, huge, unknown),
 * several topics and partitions per request, and record batches that are valid, empty, absent,
 * compressed, idempotent with odd sequences, or damaged behind a recomputed CRC. They parse, so
 * they reach the handlers, which must answer each with Kafka's error codes. Stateless; each call
 * uses only the given {@link Random}.
 */
final class HostileRequests {

    private static final long PRODUCER_ID = 900_000_100L;

    private final String topic;
    private final Uuid topicId;

    HostileRequests(String topic, Uuid topicId) {
        this.topic = topic;
        this.topicId = topicId;
    }

    /** A request body for {@code key} at {@code version}; the caller skips it if it cannot be encoded there. */
    ApiMessage body(ApiKeys key, short version, Random random) {
        return switch (key) {
            case PRODUCE -> produce(version, random);
            case FETCH -> fetch(version, random);
            case LIST_OFFSETS -> listOffsets(random);
            case METADATA -> metadata(version, random);
            case INIT_PRODUCER_ID -> new InitProducerIdRequestData()
                    .setTransactionalId(pick(random, null, null, "tx", ""))
                    .setTransactionTimeoutMs(anyInt(random))
                    .setProducerId(random.nextBoolean() ? -1 : anyLong(random))
                    .setProducerEpoch((short) (random.nextBoolean() ? -1 : random.nextInt()));
            default -> new ApiVersionsRequestData()
                    .setClientSoftwareName(pick(random, "apache-kafka-java", "", "bad name!", "x".repeat(300)))
                    .setClientSoftwareVersion(pick(random, "4.3.1", "", "-", "1.0"));
        };
    }

    private ApiMessage produce(short version, Random random) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        int topicCount = 1 + random.nextInt(2);
        for (int t = 0; t < topicCount; t++) {
            List<ProduceRequestData.PartitionProduceData> partitions = new ArrayList<>();
            int partitionCount = 1 + random.nextInt(3);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new ProduceRequestData.PartitionProduceData().setIndex(partition(random))
                        .setRecords(records(random)));
            }
            ProduceRequestData.TopicProduceData data = new ProduceRequestData.TopicProduceData().setPartitionData(partitions);
            if (version >= 13) {
                data.setTopicId(random.nextInt(5) == 0 ? Uuid.randomUuid() : topicId);
            } else {
                data.setName(topicName(random));
            }
            topics.add(data);
        }
        return new ProduceRequestData().setAcks((short) pickInt(random, -1, -1, 1, 1, 0, 2, -2))
                .setTimeoutMs(anyInt(random)).setTopicData(topics);
    }

    private MemoryRecords records(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return null;
        }
        if (kind == 1) {
            return MemoryRecords.EMPTY;
        }
        long now = System.currentTimeMillis();
        long timestamp = switch (random.nextInt(6)) {
            case 0 -> now + 10 * 3_600_000L;
            case 1 -> RecordBatch.NO_TIMESTAMP;
            case 2 -> 0;
            default -> now - random.nextInt(100_000);
        };
        boolean idempotent = random.nextInt(3) == 0;
        Compression compression = random.nextInt(4) == 0 ? Compression.gzip().build() : Compression.NONE;
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(8192), RecordBatch.CURRENT_MAGIC_VALUE,
                compression, random.nextInt(8) == 0 ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                0L, now, idempotent ? PRODUCER_ID + random.nextInt(2) : RecordBatch.NO_PRODUCER_ID,
                idempotent ? (short) random.nextInt(2) : RecordBatch.NO_PRODUCER_EPOCH,
                idempotent ? pickInt(random, 0, 1, 3, Integer.MAX_VALUE - 1, random.nextInt(100)) : RecordBatch.NO_SEQUENCE,
                false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        int count = 1 + random.nextInt(5);
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[random.nextInt(200)];
            random.nextBytes(value);
            builder.append(new SimpleRecord(timestamp + i, random.nextBoolean() ? null
                    : ("k" + i).getBytes(StandardCharsets.UTF_8), value));
        }
        MemoryRecords records = builder.build();
        if (random.nextInt(4) == 0) {
            ByteBuffer batch = records.buffer();
            int at = random.nextBoolean() ? 21 + random.nextInt(40) : 61 + random.nextInt(batch.remaining() - 61);
            batch.put(at, (byte) random.nextInt());
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(batch.duplicate().position(21));
            batch.putInt(17, (int) crc.getValue());
        }
        return records;
    }

    private ApiMessage fetch(short version, Random random) {
        List<FetchRequestData.FetchTopic> topics = new ArrayList<>();
        int topicCount = 1 + random.nextInt(2);
        for (int t = 0; t < topicCount; t++) {
            List<FetchRequestData.FetchPartition> partitions = new ArrayList<>();
            int partitionCount = 1 + random.nextInt(3);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new FetchRequestData.FetchPartition().setPartition(partition(random))
                        .setCurrentLeaderEpoch(pickInt(random, -1, -1, 0, 1, anyInt(random)))
                        .setFetchOffset(random.nextBoolean() ? random.nextInt(200) : anyLong(random))
                        .setPartitionMaxBytes(random.nextBoolean() ? 1 + random.nextInt(100_000) : anyInt(random)));
            }
            FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setPartitions(partitions);
            if (version >= 13) {
                fetchTopic.setTopicId(random.nextInt(5) == 0 ? Uuid.randomUuid() : topicId);
            } else {
                fetchTopic.setTopic(topicName(random));
            }
            topics.add(fetchTopic);
        }
        return new FetchRequestData().setReplicaId(-1)
                .setMaxWaitMs(random.nextInt(10) == 0 ? anyInt(random) : random.nextInt(50))
                .setMinBytes(random.nextBoolean() ? random.nextInt(2) : anyInt(random))
                .setMaxBytes(random.nextBoolean() ? 1 + random.nextInt(500_000) : anyInt(random))
                .setIsolationLevel((byte) pickInt(random, 0, 0, 1, 1, 2))
                .setSessionId(random.nextInt(8) == 0 ? anyInt(random) : 0)
                .setSessionEpoch(pickInt(random, -1, -1, 0, anyInt(random)))
                .setTopics(topics);
    }

    private ApiMessage listOffsets(Random random) {
        List<ListOffsetsRequestData.ListOffsetsPartition> partitions = new ArrayList<>();
        int partitionCount = 1 + random.nextInt(3);
        long now = System.currentTimeMillis();
        for (int p = 0; p < partitionCount; p++) {
            partitions.add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(partition(random))
                    .setCurrentLeaderEpoch(pickInt(random, -1, -1, 0, 3))
                    .setTimestamp(pickLong(random, -1L, -2L, -3L, -4L, -5L, 0L, now - random.nextInt(200_000), now + 1_000_000,
                            anyLong(random))));
        }
        return new ListOffsetsRequestData().setReplicaId(pickInt(random, -1, -1, 1, anyInt(random)))
                .setIsolationLevel((byte) pickInt(random, 0, 1))
                .setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName(topicName(random))
                        .setPartitions(partitions)));
    }

    private ApiMessage metadata(short version, Random random) {
        if (version > 0 && random.nextInt(4) == 0) {
            return new MetadataRequestData().setTopics(null);
        }
        List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            MetadataRequestData.MetadataRequestTopic requested = new MetadataRequestData.MetadataRequestTopic();
            if (version >= 10 && random.nextInt(3) == 0) {
                requested.setName(null).setTopicId(random.nextBoolean() ? topicId : Uuid.randomUuid());
            } else {
                requested.setName(topicName(random));
            }
            topics.add(requested);
        }
        return new MetadataRequestData().setTopics(topics).setAllowAutoTopicCreation(random.nextBoolean())
                .setIncludeTopicAuthorizedOperations(random.nextBoolean());
    }

    private String topicName(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "no-such-topic";
            case 1 -> "";
            case 2 -> "bad/name";
            case 3 -> "x".repeat(1 + random.nextInt(300));
            default -> topic;
        };
    }

    private static int partition(Random random) {
        return pickInt(random, 0, 0, 1, 1, 2, -1, Integer.MAX_VALUE, random.nextInt());
    }

    private static int anyInt(Random random) {
        return pickInt(random, 0, -1, 1, 10, 1_000, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt());
    }

    private static long anyLong(Random random) {
        return pickLong(random, 0L, -1L, -2L, 1L, 100L, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE,
                random.nextLong());
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static int pickInt(Random random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static long pickLong(Random random, long... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
