package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.coordinator.CoordinatorRecord.ClassicGroupSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.ClassicMemberSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerGroupEpoch;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerTargetAssignment;
import io.surety.broker.coordinator.CoordinatorRecord.GroupRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.MemberState;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetCommitted;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetStaged;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetsCompleted;
import io.surety.broker.log.FramedJournal;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * The journal's byte layout pinned down: the exact bytes of one record of every kind, and the code
 * of every persisted enum constant. A failure here means the on-disk format changed: existing
 * journals would no longer replay as written. Change the layout only with a new frame version,
 * and then add goldens for it rather than editing these.
 *
 * <p>Each golden is written one field a line: the hex, two or more spaces, then what it is.
 */
class RecordCodecTest {

    private static final Uuid TOPIC_ID = new Uuid(1, 2);

    /**
     * Checks that {@code record} encodes, alone in a frame body (version 1, count 1), to exactly
     * {@code golden}, and that those bytes decode to the record again.
     */
    private static void assertGolden(CoordinatorRecord record, String golden) throws Exception {
        String recordHex = golden.lines().map(line -> line.strip().split("\\s{2,}")[0].replace(" ", ""))
                .collect(Collectors.joining());
        String bodyHex = "01" + "00000001" + recordHex;

        assertThat(HexFormat.of().formatHex(RecordCodec.encode(List.of(record)))).isEqualTo(bodyHex);
        List<CoordinatorRecord> decoded = RecordCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex(bodyHex)));
        assertThat(decoded).hasSize(1);
        assertThat(decoded.get(0)).usingRecursiveComparison().isEqualTo(record);
    }

    @Test
    void shouldHaveAGoldenTestForEveryRecordKind() {
        Set<String> kinds = Arrays.stream(CoordinatorRecord.class.getPermittedSubclasses()).map(Class::getSimpleName)
                .collect(Collectors.toSet());
        Set<String> goldens = Arrays.stream(RecordCodecTest.class.getDeclaredMethods()).map(Method::getName)
                .filter(name -> name.startsWith("shouldEncode") && name.endsWith("AsGolden"))
                .map(name -> name.substring("shouldEncode".length(), name.length() - "AsGolden".length()))
                .collect(Collectors.toSet());
        assertThat(kinds).hasSize(12);
        assertThat(goldens).as("record kinds with a golden test").isEqualTo(kinds);
    }

    @Test
    void shouldEncodeOffsetCommittedAsGolden() throws Exception {
        assertGolden(new OffsetCommitted("g", "t", 3, 42, 5, "m", 1000), """
                01                   type OffsetCommitted
                00000001 67          group "g"
                00000001 74          topic "t"
                00000003             partition 3
                000000000000002a     offset 42
                00000005             leaderEpoch 5
                00000001 6d          metadata "m"
                00000000000003e8     commitTimestampMs 1000
                """);
    }

    @Test
    void shouldEncodeOffsetRemovedAsGolden() throws Exception {
        assertGolden(new OffsetRemoved("g", "t", 4), """
                02                   type OffsetRemoved
                00000001 67          group "g"
                00000001 74          topic "t"
                00000004             partition 4
                """);
    }

    @Test
    void shouldEncodeClassicGroupSnapshotAsGolden() throws Exception {
        assertGolden(new ClassicGroupSnapshot("g", "consumer", 7, "range", "m", 5, List.of(
                new ClassicMemberSnapshot("m", null, "c", "/h", 300, 10, new byte[] {1, 2}, new byte[] {3}))), """
                03                           type ClassicGroupSnapshot
                00000001 67                  group "g"
                00000008 636f6e73756d6572    protocolType "consumer"
                00000007                     generation 7
                00000005 72616e6765          protocolName "range"
                00000001 6d                  leader "m"
                0000000000000005             stateTimestampMs 5
                00000001                     member count 1
                00000001 6d                  memberId "m"
                ffffffff                     instanceId null
                00000001 63                  clientId "c"
                00000002 2f68                clientHost "/h"
                0000012c                     rebalanceTimeoutMs 300
                0000000a                     sessionTimeoutMs 10
                00000002 0102                subscription {1, 2}
                00000001 03                  assignment {3}
                """);
    }

    @Test
    void shouldEncodeGroupRemovedAsGolden() throws Exception {
        assertGolden(new GroupRemoved("g"), """
                04                   type GroupRemoved
                00000001 67          group "g"
                """);
    }

    @Test
    void shouldEncodeConsumerGroupEpochAsGolden() throws Exception {
        assertGolden(new ConsumerGroupEpoch("g", 3, 99), """
                05                   type ConsumerGroupEpoch
                00000001 67          group "g"
                00000003             epoch 3
                0000000000000063     metadataHash 99
                """);
    }

    @Test
    void shouldEncodeConsumerMemberStateAsGolden() throws Exception {
        assertGolden(new ConsumerMemberState("g", "m", "i", null, "c", "/h", List.of("t"), null, "uniform", 30_000, 3, 2,
                MemberState.UNREVOKED_PARTITIONS, new Assignment(Map.of(TOPIC_ID, Set.of(0, 2))),
                new Assignment(Map.of(TOPIC_ID, Set.of(1)))), """
                06                                   type ConsumerMemberState
                00000001 67                          group "g"
                00000001 6d                          memberId "m"
                00000001 69                          instanceId "i"
                ffffffff                             rackId null
                00000001 63                          clientId "c"
                00000002 2f68                        clientHost "/h"
                00000001                             topic count 1
                00000001 74                          topic "t"
                ffffffff                             regex null
                00000007 756e69666f726d              assignor "uniform"
                00007530                             rebalanceTimeoutMs 30000
                00000003                             memberEpoch 3
                00000002                             previousMemberEpoch 2
                01                                   state UNREVOKED_PARTITIONS
                00000001                             assigned: topic count 1
                0000000000000001 0000000000000002    topic id
                00000002 00000000 00000002           partitions 0, 2
                00000001                             revoking: topic count 1
                0000000000000001 0000000000000002    topic id
                00000001 00000001                    partition 1
                """);
    }

    @Test
    void shouldEncodeConsumerMemberRemovedAsGolden() throws Exception {
        assertGolden(new ConsumerMemberRemoved("g", "m"), """
                07                   type ConsumerMemberRemoved
                00000001 67          group "g"
                00000001 6d          memberId "m"
                """);
    }

    @Test
    void shouldEncodeConsumerTargetAssignmentAsGolden() throws Exception {
        assertGolden(new ConsumerTargetAssignment("g", 4, Map.of("m", new Assignment(Map.of(TOPIC_ID, Set.of(1))))), """
                08                                   type ConsumerTargetAssignment
                00000001 67                          group "g"
                00000004                             assignmentEpoch 4
                00000001                             member count 1
                00000001 6d                          memberId "m"
                00000001                             topic count 1
                0000000000000001 0000000000000002    topic id
                00000001 00000001                    partition 1
                """);
    }

    @Test
    void shouldEncodeTransactionSnapshotAsGolden() throws Exception {
        assertGolden(new TransactionSnapshot("x", 1000, -1, (short) 3, (short) 2, 60_000, TransactionStatus.PREPARE_COMMIT,
                List.of(new TopicPartition("t", 0)), List.of("g"), 100, 200), """
                09                   type TransactionSnapshot
                00000001 78          transactionalId "x"
                00000000000003e8     producerId 1000
                ffffffffffffffff     previousProducerId -1
                0003                 producerEpoch 3
                0002                 lastProducerEpoch 2
                0000ea60             timeoutMs 60000
                02                   status PREPARE_COMMIT
                00000001             partition count 1
                00000001 74          topic "t"
                00000000             partition 0
                00000001             group count 1
                00000001 67          group "g"
                0000000000000064     startTimestampMs 100
                00000000000000c8     updateTimestampMs 200
                """);
    }

    @Test
    void shouldEncodeTransactionRemovedAsGolden() throws Exception {
        assertGolden(new TransactionRemoved("x"), """
                0a                   type TransactionRemoved
                00000001 78          transactionalId "x"
                """);
    }

    @Test
    void shouldEncodeTxnOffsetStagedAsGolden() throws Exception {
        assertGolden(new TxnOffsetStaged("g", 1000, "t", 0, 42, 5, "m", 1000), """
                0b                   type TxnOffsetStaged
                00000001 67          group "g"
                00000000000003e8     producerId 1000
                00000001 74          topic "t"
                00000000             partition 0
                000000000000002a     offset 42
                00000005             leaderEpoch 5
                00000001 6d          metadata "m"
                00000000000003e8     commitTimestampMs 1000
                """);
    }

    @Test
    void shouldEncodeTxnOffsetsCompletedAsGolden() throws Exception {
        assertGolden(new TxnOffsetsCompleted("g", 1000, true), """
                0c                   type TxnOffsetsCompleted
                00000001 67          group "g"
                00000000000003e8     producerId 1000
                01                   commit
                """);
    }

    @Test
    void shouldKeepEveryMemberStateCode() {
        Map<MemberState, Integer> codes = new EnumMap<>(MemberState.class);
        Arrays.stream(MemberState.values()).forEach(s -> codes.put(s, (int) s.code()));
        assertThat(codes).containsExactly(
                Map.entry(MemberState.STABLE, 0),
                Map.entry(MemberState.UNREVOKED_PARTITIONS, 1),
                Map.entry(MemberState.UNRELEASED_PARTITIONS, 2));
        for (MemberState state : MemberState.values()) {
            assertThat(MemberState.fromCode(state.code())).isSameAs(state);
        }
    }

    @Test
    void shouldKeepEveryTransactionStatusCode() {
        Map<TransactionStatus, Integer> codes = new EnumMap<>(TransactionStatus.class);
        Arrays.stream(TransactionStatus.values()).forEach(s -> codes.put(s, (int) s.code()));
        assertThat(codes).containsExactly(
                Map.entry(TransactionStatus.EMPTY, 0),
                Map.entry(TransactionStatus.ONGOING, 1),
                Map.entry(TransactionStatus.PREPARE_COMMIT, 2),
                Map.entry(TransactionStatus.PREPARE_ABORT, 3),
                Map.entry(TransactionStatus.COMPLETE_COMMIT, 4),
                Map.entry(TransactionStatus.COMPLETE_ABORT, 5),
                Map.entry(TransactionStatus.DEAD, 6),
                Map.entry(TransactionStatus.PREPARE_EPOCH_FENCE, 7));
        for (TransactionStatus status : TransactionStatus.values()) {
            assertThat(TransactionStatus.fromCode(status.code())).isSameAs(status);
        }
    }

    @Test
    void shouldRefuseAnEnumCodeNoConstantHas() {
        assertThatThrownBy(() -> MemberState.fromCode((byte) 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown member state code 3");
        assertThatThrownBy(() -> TransactionStatus.fromCode((byte) -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown transaction status code -1");
        assertThatThrownBy(() -> TransactionStatus.fromCode((byte) 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown transaction status code 8");
    }

    @Test
    void shouldRefuseToDecodeAnUnknownRecordTypeNamingIt() {
        byte[] body = HexFormat.of().parseHex("01" + "00000002" + "0400000001" + "67" + "63");
        assertThatThrownBy(() -> RecordCodec.decode(ByteBuffer.wrap(body)))
                .isInstanceOf(FramedJournal.UndecodableFrameException.class)
                .hasMessage("record 2 of 2: unknown record type 99");
    }

    @Test
    void shouldRefuseToDecodeAnUnknownEnumCodeNamingIt() {
        byte[] body = RecordCodec.encode(List.of(new TransactionSnapshot("x", 1000, -1, (short) 0, (short) -1, 60_000,
                TransactionStatus.ONGOING, List.of(), List.of(), 100, 200)));
        int statusAt = 5 + 1 + 5 + 8 + 8 + 2 + 2 + 4;
        assertThat(body[statusAt]).isEqualTo(TransactionStatus.ONGOING.code());
        body[statusAt] = 42;
        assertThatThrownBy(() -> RecordCodec.decode(ByteBuffer.wrap(body)))
                .isInstanceOf(FramedJournal.UndecodableFrameException.class)
                .hasMessage("record 1 of 1: unknown transaction status code 42");
    }
}
