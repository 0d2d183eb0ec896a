package io.surety.broker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/**
 * Makes hostile request frames: valid requests (ApiVersions, Metadata, Produce, Fetch,
 * ListOffsets, InitProducerId at every version the broker serves) mutated by bit flips, byte
 * overwrites, truncation, extension, splices, wrong sizes and random API keys and versions, plus
 * frames of pure random bytes. Deterministic for a given {@link Random}. Immutable after
 * construction; {@link #next} is safe from several threads, each with its own {@code Random}.
 */
final class FrameFuzzer {

    /** A valid request frame; for a produce request, where its record batch lies in the frame (else -1). */
    private record Template(byte[] frame, int batchAt, int batchLength) {
    }

    /**
     * APIs that change the topics' data or configuration by design. A flipped bit can turn a frame
     * into a valid request of one of them (a Metadata body naming the fuzz topic is also a valid
     * DeleteTopics body), which the broker rightly carries out; the test's own checks (every topic
     * still there, every accepted record consumable) would then fail for a reason that is not a bug.
     */
    private static final Set<Short> CHANGES_TOPIC_DATA = Set.of(ApiKeys.DELETE_TOPICS.id, ApiKeys.DELETE_RECORDS.id,
            ApiKeys.ALTER_CONFIGS.id, ApiKeys.INCREMENTAL_ALTER_CONFIGS.id, ApiKeys.CREATE_PARTITIONS.id,
            ApiKeys.ALTER_PARTITION_REASSIGNMENTS.id, ApiKeys.WRITE_TXN_MARKERS.id);

    private final Map<ApiKeys, List<Template>> templates;
    private final Map<ApiKeys, List<Short>> servedVersions;
    private final HostileRequests hostile;
    private final int maxFrameBytes;

    private FrameFuzzer(Map<ApiKeys, List<Template>> templates, Map<ApiKeys, List<Short>> servedVersions,
            HostileRequests hostile, int maxFrameBytes) {
        this.templates = templates;
        this.servedVersions = servedVersions;
        this.hostile = hostile;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Templates for {@code described} (two partitions, as Metadata describes it: its id, and the
     * leader epoch a fetch names as current, which grows at every broker start) at the versions the
     * broker serves.
     */
    static FrameFuzzer forTopic(MetadataResponseData.MetadataResponseTopic described, BrokerFraming.Supported supported,
            int maxFrameBytes) {
        String topic = described.name();
        Uuid topicId = described.topicId();
        int leaderEpoch = described.partitions().stream().filter(p -> p.partitionIndex() == 1).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(topic + " has no partition 1")).leaderEpoch();
        Map<ApiKeys, List<Template>> templates = new EnumMap<>(ApiKeys.class);
        for (short v = 0; v <= ApiKeys.API_VERSIONS.latestVersion(); v++) {
            short version = v;
            add(templates, supported, ApiKeys.API_VERSIONS, version, () -> new ApiVersionsRequest.Builder().build(version).data());
        }
        for (short v = 0; v <= ApiKeys.METADATA.latestVersion(); v++) {
            short version = v;
            add(templates, supported, ApiKeys.METADATA, version, () -> new MetadataRequestData()
                    .setAllowAutoTopicCreation(true)
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic).setTopicId(topicId))));
            add(templates, supported, ApiKeys.METADATA, version, () -> new MetadataRequestData().setTopics(version == 0 ? List.of() : null));
        }
        for (short v = 0; v <= ApiKeys.PRODUCE.latestVersion(); v++) {
            short version = v;
            for (short acks : new short[] {-1, 1, 0}) {
                add(templates, supported, ApiKeys.PRODUCE, version, () -> produce(topic, topicId, version, acks, false));
                add(templates, supported, ApiKeys.PRODUCE, version, () -> produce(topic, topicId, version, acks, true));
            }
        }
        for (short v = 0; v <= ApiKeys.FETCH.latestVersion(); v++) {
            short version = v;
            add(templates, supported, ApiKeys.FETCH, version, () -> FetchRequest.Builder.forConsumer(version, 10, 1, Map.of(
                    new TopicPartition(topic, 0), new FetchRequest.PartitionData(topicId, 0, -1, 65_536, Optional.empty()),
                    new TopicPartition(topic, 1), new FetchRequest.PartitionData(topicId, 3, -1, 1_000, Optional.of(leaderEpoch))))
                    .setMaxBytes(200_000).build(version).data());
        }
        for (short v = 0; v <= ApiKeys.LIST_OFFSETS.latestVersion(); v++) {
            short version = v;
            add(templates, supported, ApiKeys.LIST_OFFSETS, version, () -> ListOffsetsRequest.Builder
                    .forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                    .setTargetTimes(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
                            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                                    .setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP),
                            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(1)
                                    .setTimestamp(ListOffsetsRequest.EARLIEST_TIMESTAMP)))))
                    .build(version).data());
        }
        for (short v = 0; v <= ApiKeys.INIT_PRODUCER_ID.latestVersion(); v++) {
            short version = v;
            add(templates, supported, ApiKeys.INIT_PRODUCER_ID, version, () -> new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(60_000));
        }
        Map<ApiKeys, List<Short>> servedVersions = new EnumMap<>(ApiKeys.class);
        for (ApiKeys key : templates.keySet()) {
            for (short v = 0; v <= key.latestVersion(); v++) {
                if (supported.supports(key, v)) {
                    servedVersions.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
                }
            }
        }
        return new FrameFuzzer(templates, servedVersions, new HostileRequests(topic, topicId), maxFrameBytes);
    }

    private static void add(Map<ApiKeys, List<Template>> templates, BrokerFraming.Supported supported, ApiKeys key,
            short version, Supplier<ApiMessage> body) {
        if (!supported.supports(key, version)) {
            return;
        }
        try {
            ApiMessage message = body.get();
            byte[] frame = RawKafkaConnection.frame(key, version, 0, message);
            int batchAt = -1;
            int batchLength = 0;
            if (message instanceof ProduceRequestData produce) {
                ByteBuffer batch = ((MemoryRecords) produce.topicData().iterator().next().partitionData().get(0).records())
                        .buffer();
                byte[] batchBytes = new byte[batch.remaining()];
                batch.duplicate().get(batchBytes);
                batchAt = indexOf(frame, batchBytes);
                batchLength = batchBytes.length;
            }
            templates.computeIfAbsent(key, k -> new ArrayList<>()).add(new Template(frame, batchAt, batchLength));
        } catch (RuntimeException e) {
            // This combination cannot be expressed at this version; other templates cover it.
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalStateException("record batch not found in its request");
    }

    private static ApiMessage produce(String topic, Uuid topicId, short version, short acks, boolean idempotent) {
        SimpleRecord[] records = {
            new SimpleRecord(System.currentTimeMillis(), "fk".getBytes(StandardCharsets.UTF_8),
                    "fuzz-value".getBytes(StandardCharsets.UTF_8)),
            new SimpleRecord(System.currentTimeMillis(), null, new byte[30]),
        };
        MemoryRecords batch = idempotent
                ? MemoryRecords.withIdempotentRecords(Compression.NONE, 900_000_000L, (short) 0, 0, records)
                : MemoryRecords.withRecords(Compression.NONE, records);
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(version >= 13 ? "" : topic)
                .setTopicId(version >= 13 ? topicId : Uuid.ZERO_UUID)
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(idempotent ? 1 : 0)
                        .setRecords(batch))));
        return new ProduceRequestData().setAcks(acks).setTimeoutMs(5_000).setTopicData(topics);
    }

    int templateCount() {
        return templates.values().stream().mapToInt(List::size).sum();
    }

    /** Every unmutated request frame (correlation id 0), each a copy. */
    List<byte[]> templates() {
        return templates.values().stream().flatMap(List::stream).map(t -> t.frame().clone()).toList();
    }

    /** The next hostile chunk of bytes to send: usually one (possibly broken) frame. */
    byte[] next(Random random) {
        return disarmed(draw(random));
    }

    /** The frame with an API key that changes topic data replaced by ApiVersions' (key 18). */
    static byte[] disarmed(byte[] frame) {
        if (frame.length >= 6 && CHANGES_TOPIC_DATA.contains(ByteBuffer.wrap(frame).getShort(4))) {
            ByteBuffer.wrap(frame).putShort(4, ApiKeys.API_VERSIONS.id);
        }
        return frame;
    }

    private byte[] draw(Random random) {
        int dice = random.nextInt(100);
        if (dice < 8) {
            return template(random).frame();
        }
        if (dice < 28) {
            return wellFormedHostile(random);
        }
        if (dice < 34) {
            return randomBody(random);
        }
        if (dice < 36) {
            byte[] bytes = new byte[1 + random.nextInt(64)];
            random.nextBytes(bytes);
            return bytes;
        }
        Template template = template(random);
        byte[] frame = template.frame();
        if (template.batchAt() >= 0 && random.nextInt(3) == 0) {
            damageRecordsKeepingCrc(frame, template.batchAt(), template.batchLength(), random);
            return random.nextInt(4) == 0 ? mutate(frame, random) : frame;
        }
        int mutations = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
        for (int i = 0; i < mutations; i++) {
            frame = mutate(frame, random);
        }
        return frame;
    }

    /** A request that parses but carries hostile field values ({@link HostileRequests}). */
    private byte[] wellFormedHostile(Random random) {
        List<ApiKeys> keys = List.copyOf(servedVersions.keySet());
        for (int attempt = 0; attempt < 10; attempt++) {
            ApiKeys key = keys.get(random.nextInt(keys.size()));
            List<Short> versions = servedVersions.get(key);
            short version = versions.get(random.nextInt(versions.size()));
            try {
                return RawKafkaConnection.frame(key, version, random.nextInt(), hostile.body(key, version, random));
            } catch (RuntimeException e) {
                // Not expressible at this version (a field it lacks was set): draw again.
            }
        }
        return template(random).frame();
    }

    private Template template(Random random) {
        int dice = random.nextInt(100);
        ApiKeys key = dice < 15 ? ApiKeys.API_VERSIONS : dice < 35 ? ApiKeys.METADATA : dice < 65 ? ApiKeys.PRODUCE
                : dice < 88 ? ApiKeys.FETCH : dice < 94 ? ApiKeys.LIST_OFFSETS : ApiKeys.INIT_PRODUCER_ID;
        List<Template> choices = templates.get(key);
        Template chosen = choices.get(random.nextInt(choices.size()));
        byte[] frame = chosen.frame().clone();
        ByteBuffer.wrap(frame).putInt(8, random.nextInt());
        return new Template(frame, chosen.batchAt(), chosen.batchLength());
    }

    /**
     * Damages a produce request's record batch behind its CRC: header fields (attributes, offset
     * delta, timestamps, producer id, epoch, sequence, record count) or record bytes are changed
     * and the CRC recomputed, so only the broker's own checks can refuse the batch.
     */
    private static void damageRecordsKeepingCrc(byte[] frame, int batchAt, int batchLength, Random random) {
        ByteBuffer batch = ByteBuffer.wrap(frame, batchAt, batchLength).slice();
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            int at = random.nextBoolean() ? 21 + random.nextInt(40) : 61 + random.nextInt(batchLength - 61);
            switch (random.nextInt(3)) {
                case 0 -> batch.put(at, (byte) (batch.get(at) ^ (1 << random.nextInt(8))));
                case 1 -> batch.put(at, (byte) random.nextInt());
                default -> batch.putInt(57, batch.getInt(57) + random.nextInt(5) - 2);
            }
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(batch.duplicate().position(21));
        batch.putInt(17, (int) crc.getValue());
    }

    /** A correctly sized frame of random bytes, half the time behind a plausible API key and version. */
    private byte[] randomBody(Random random) {
        byte[] frame = new byte[4 + random.nextInt(300)];
        random.nextBytes(frame);
        ByteBuffer buffer = ByteBuffer.wrap(frame).putInt(0, frame.length - 4);
        if (random.nextBoolean() && frame.length >= 8) {
            buffer.putShort(4, (short) random.nextInt(ApiKeys.values().length + 3));
            buffer.putShort(6, (short) random.nextInt(16));
        }
        return frame;
    }

    private byte[] mutate(byte[] frame, Random random) {
        int length = frame.length;
        switch (random.nextInt(9)) {
            case 0 -> {
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips && length > 4; i++) {
                    frame[4 + random.nextInt(length - 4)] ^= (byte) (1 << random.nextInt(8));
                }
                return frame;
            }
            case 1 -> {
                int writes = 1 + random.nextInt(4);
                for (int i = 0; i < writes && length > 4; i++) {
                    frame[4 + random.nextInt(length - 4)] = (byte) random.nextInt();
                }
                return frame;
            }
            case 2 -> {
                byte[] cut = java.util.Arrays.copyOf(frame, 4 + random.nextInt(Math.max(1, length - 4)));
                return resized(cut);
            }
            case 3 -> {
                byte[] longer = java.util.Arrays.copyOf(frame, length + 1 + random.nextInt(16));
                for (int i = length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt();
                }
                return resized(longer);
            }
            case 4 -> {
                int declared = switch (random.nextInt(5)) {
                    case 0 -> length - 4 + random.nextInt(17) - 8;
                    case 1 -> -1 - random.nextInt(1000);
                    case 2 -> maxFrameBytes + random.nextInt(3);
                    case 3 -> maxFrameBytes - random.nextInt(3);
                    default -> random.nextInt();
                };
                ByteBuffer.wrap(frame).putInt(0, declared);
                return frame;
            }
            case 5 -> {
                if (length < 8) {
                    return frame;
                }
                short key = random.nextBoolean() ? (short) random.nextInt(100) : (short) random.nextInt();
                ByteBuffer.wrap(frame).putShort(4, key);
                return frame;
            }
            case 6 -> {
                if (length < 8) {
                    return frame;
                }
                short version = random.nextBoolean() ? (short) (random.nextInt(22) - 2) : (short) random.nextInt();
                ByteBuffer.wrap(frame).putShort(6, version);
                return frame;
            }
            case 7 -> {
                int from = 4 + random.nextInt(Math.max(1, length - 4));
                int remove = Math.min(length - from, random.nextInt(12));
                byte[] insert = new byte[random.nextInt(12)];
                random.nextBytes(insert);
                byte[] spliced = new byte[length - remove + insert.length];
                System.arraycopy(frame, 0, spliced, 0, from);
                System.arraycopy(insert, 0, spliced, from, insert.length);
                System.arraycopy(frame, from + remove, spliced, from + insert.length, length - from - remove);
                return resized(spliced);
            }
            default -> {
                byte[] twice = java.util.Arrays.copyOf(frame, length * 2);
                System.arraycopy(frame, 0, twice, length, length);
                return twice;
            }
        }
    }

    private static byte[] resized(byte[] frame) {
        ByteBuffer.wrap(frame).putInt(0, frame.length - 4);
        return frame;
    }
}
