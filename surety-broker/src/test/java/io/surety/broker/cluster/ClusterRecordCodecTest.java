package io.surety.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.cluster.ClusterRecord.AcceptBrokerDirectory;
import io.surety.broker.cluster.ClusterRecord.BrokerControlledShutdown;
import io.surety.broker.cluster.ClusterRecord.ClusterId;
import io.surety.broker.cluster.ClusterRecord.Endpoint;
import io.surety.broker.cluster.ClusterRecord.FenceBroker;
import io.surety.broker.cluster.ClusterRecord.Partition;
import io.surety.broker.cluster.ClusterRecord.PartitionChange;
import io.surety.broker.cluster.ClusterRecord.ProducerIds;
import io.surety.broker.cluster.ClusterRecord.RegisterBroker;
import io.surety.broker.cluster.ClusterRecord.RemoveTopic;
import io.surety.broker.cluster.ClusterRecord.Security;
import io.surety.broker.cluster.ClusterRecord.Topic;
import io.surety.broker.cluster.ClusterRecord.TopicConfig;
import io.surety.broker.cluster.ClusterRecord.UnfenceBroker;
import io.surety.broker.cluster.ClusterRecordCodec.UndecodableEntryException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metadata.RemoveUserScramCredentialRecord;
import org.apache.kafka.common.metadata.TopicRecord;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.metadata.MetadataRecordSerde;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.Test;

/**
 * The metadata entry's byte layout pinned down: the exact bytes of one record of every kind. A
 * failure here means the committed format changed: existing quorum logs and snapshots would no
 * longer replay as written. Change the layout only with a new entry version, and then add
 * goldens for it rather than editing these.
 *
 * <p>Each golden is written one field a line: the hex, two or more spaces, then what it is.
 */
class ClusterRecordCodecTest {

    private static final Uuid ID = new Uuid(1, 2);

    private static byte[] kafkaBytes(ApiMessageAndVersion record) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(MetadataRecordSerde.INSTANCE.recordSize(record, cache));
        MetadataRecordSerde.INSTANCE.write(record, cache, new ByteBufferAccessor(buffer));
        return buffer.array();
    }

    private static void assertGolden(ClusterRecord record, String golden) throws Exception {
        assertGolden("01", record, golden);
    }

    private static void assertGolden(String versionHex, ClusterRecord record, String golden) throws Exception {
        String recordHex = golden.lines().map(line -> line.strip().split("\\s{2,}")[0].replace(" ", ""))
                .collect(Collectors.joining());
        String entryHex = versionHex + "00000001" + recordHex;

        assertThat(HexFormat.of().formatHex(ClusterRecordCodec.encode(List.of(record)))).isEqualTo(entryHex);
        assertThat(ClusterRecordCodec.decode(HexFormat.of().parseHex(entryHex))).containsExactly(record);
    }

    @Test
    void shouldHaveAGoldenTestForEveryRecordKind() {
        Set<String> kinds = Arrays.stream(ClusterRecord.class.getPermittedSubclasses()).map(Class::getSimpleName)
                .collect(Collectors.toSet());
        Set<String> goldens = Arrays.stream(ClusterRecordCodecTest.class.getDeclaredMethods()).map(Method::getName)
                .filter(name -> name.startsWith("shouldEncode") && name.endsWith("AsGolden"))
                .map(name -> name.substring("shouldEncode".length(), name.length() - "AsGolden".length()))
                .collect(Collectors.toSet());
        assertThat(kinds).hasSize(13);
        assertThat(goldens).as("record kinds with a golden test").isEqualTo(kinds);
    }

    @Test
    void shouldEncodeClusterIdAsGolden() throws Exception {
        assertGolden(new ClusterId("c"), """
                01                   type ClusterId
                00000001 63          clusterId "c"
                """);
    }

    @Test
    void shouldEncodeRegisterBrokerAsGolden() throws Exception {
        assertGolden(new RegisterBroker(3, ID, -1, new Uuid(0, 200), List.of(new Endpoint("P", "h", 9092, (short) 0)),
                Optional.empty(), true, false, true), """
                02                                   type RegisterBroker
                00000003                             brokerId 3
                0000000000000001 0000000000000002    incarnationId
                ffffffffffffffff                     brokerEpoch -1 (assigned at replay)
                0000000000000000 00000000000000c8    directoryId
                00000001                             endpoint count 1
                00000001 50                          name "P"
                00000001 68                          host "h"
                00002384                             port 9092
                0000                                 securityProtocol 0
                ffffffff                             rack none
                01                                   fenced
                00                                   inControlledShutdown
                01                                   directoryPendingReplace
                """);
    }

    @Test
    void shouldEncodeFenceBrokerAsGolden() throws Exception {
        assertGolden(new FenceBroker(3, 7), """
                03                   type FenceBroker
                00000003             brokerId 3
                0000000000000007     brokerEpoch 7
                """);
    }

    @Test
    void shouldEncodeUnfenceBrokerAsGolden() throws Exception {
        assertGolden(new UnfenceBroker(3, 7), """
                04                   type UnfenceBroker
                00000003             brokerId 3
                0000000000000007     brokerEpoch 7
                """);
    }

    @Test
    void shouldEncodeBrokerControlledShutdownAsGolden() throws Exception {
        assertGolden(new BrokerControlledShutdown(3, 7), """
                05                   type BrokerControlledShutdown
                00000003             brokerId 3
                0000000000000007     brokerEpoch 7
                """);
    }

    @Test
    void shouldEncodeAcceptBrokerDirectoryAsGolden() throws Exception {
        assertGolden(new AcceptBrokerDirectory(3, 7, ID), """
                06                                   type AcceptBrokerDirectory
                00000003                             brokerId 3
                0000000000000007                     brokerEpoch 7
                0000000000000001 0000000000000002    directoryId
                """);
    }

    @Test
    void shouldEncodeTopicAsGolden() throws Exception {
        assertGolden(new Topic("t", ID), """
                07                                   type Topic
                00000001 74                          name "t"
                0000000000000001 0000000000000002    topicId
                """);
    }

    @Test
    void shouldEncodePartitionAsGolden() throws Exception {
        assertGolden(new Partition(ID, 4, List.of(1, 2), List.of(2), 2, LeaderRecoveryState.RECOVERING, 5, 6), """
                08                                   type Partition
                0000000000000001 0000000000000002    topicId
                00000004                             partitionId 4
                00000002 00000001 00000002           replicas [1, 2]
                00000001 00000002                    isr [2]
                00000002                             leader 2
                01                                   leaderRecoveryState RECOVERING
                00000005                             leaderEpoch 5
                00000006                             partitionEpoch 6
                """);
    }

    @Test
    void shouldEncodePartitionChangeAsGolden() throws Exception {
        assertGolden(new PartitionChange(ID, 4, Optional.of(List.of(3)), OptionalInt.of(-1), Optional.empty(),
                Optional.of(LeaderRecoveryState.RECOVERED)), """
                09                                   type PartitionChange
                0000000000000001 0000000000000002    topicId
                00000004                             partitionId 4
                0b                                   present: isr, leader, leaderRecoveryState
                00000001 00000003                    isr [3]
                ffffffff                             leader -1 (none)
                00                                   leaderRecoveryState RECOVERED
                """);
    }

    @Test
    void shouldWriteAPartitionWithAReassignmentAtVersion2() throws Exception {
        assertGolden("02", new Partition(ID, 4, List.of(2, 3, 1), List.of(1, 2), 1, LeaderRecoveryState.RECOVERED, 5, 6,
                List.of(3), List.of(1)), """
                08                                   type Partition
                0000000000000001 0000000000000002    topicId
                00000004                             partitionId 4
                00000003 00000002 00000003 00000001  replicas [2, 3, 1]
                00000002 00000001 00000002           isr [1, 2]
                00000001                             leader 1
                00                                   leaderRecoveryState RECOVERED
                00000005                             leaderEpoch 5
                00000006                             partitionEpoch 6
                00000001 00000003                    addingReplicas [3]
                00000001 00000001                    removingReplicas [1]
                """);
    }

    @Test
    void shouldWriteAPartitionChangeOfAReassignmentAtVersion2() throws Exception {
        assertGolden("02", new PartitionChange(ID, 4, Optional.empty(), OptionalInt.empty(), Optional.of(List.of(2, 3)),
                Optional.empty(), Optional.of(List.of()), Optional.of(List.of())), """
                09                                   type PartitionChange
                0000000000000001 0000000000000002    topicId
                00000004                             partitionId 4
                34                                   present: replicas, removingReplicas, addingReplicas
                00000002 00000002 00000003           replicas [2, 3]
                00000000                             removingReplicas [] (none)
                00000000                             addingReplicas [] (none)
                """);
    }

    @Test
    void shouldReadAVersion1PartitionAsOneWithNoReassignment() throws Exception {
        Partition plain = new Partition(ID, 0, List.of(1, 2), List.of(1, 2), 1, LeaderRecoveryState.RECOVERED, 0, 0);
        byte[] entry = ClusterRecordCodec.encode(List.of(plain));
        assertThat(entry[0]).as("written at the lowest version that holds it").isEqualTo((byte) 1);
        Partition read = (Partition) ClusterRecordCodec.decode(entry).get(0);
        assertThat(read.addingReplicas()).isEmpty();
        assertThat(read.removingReplicas()).isEmpty();
    }

    @Test
    void shouldEncodeTopicConfigAsGolden() throws Exception {
        assertGolden(new TopicConfig(ID, "k", Optional.empty()), """
                0a                                   type TopicConfig
                0000000000000001 0000000000000002    topicId
                00000001 6b                          key "k"
                ffffffff                             value removed
                """);
    }

    @Test
    void shouldEncodeRemoveTopicAsGolden() throws Exception {
        assertGolden(new RemoveTopic(ID), """
                0b                                   type RemoveTopic
                0000000000000001 0000000000000002    topicId
                """);
    }

    @Test
    void shouldEncodeProducerIdsAsGolden() throws Exception {
        assertGolden(new ProducerIds(3, 7, 2000), """
                0c                   type ProducerIds
                00000003             brokerId 3
                0000000000000007     brokerEpoch 7
                00000000000007d0     nextProducerId 2000
                """);
    }

    @Test
    void shouldEncodeSecurityAsGolden() throws Exception {
        assertGolden("03", new Security(new ApiMessageAndVersion(new RemoveUserScramCredentialRecord().setName("a")
                .setMechanism((byte) 1), (short) 0)), """
                0d                   type Security
                00000007             length 7, then Kafka's MetadataRecordSerde bytes:
                01                   frame version 1
                16                   record type 22 (RemoveUserScramCredentialRecord)
                00                   record version 0
                0261                 name "a" (compact string)
                01                   mechanism 1 (SCRAM-SHA-256)
                00                   no tagged fields
                """);
    }

    @Test
    void shouldRefuseASecurityRecordBeforeVersion3OrOfAnotherKind() {
        assertThatThrownBy(() -> ClusterRecordCodec.decode(HexFormat.of().parseHex(
                "0200000001" + "0d" + "00000007" + "01160002610100")))
                .isInstanceOf(UndecodableEntryException.class).hasMessageContaining("a security record in a version 2 entry");
        // A TopicRecord (type 2) in Kafka's bytes is a record, but not one a security record may carry.
        byte[] topic = kafkaBytes(new ApiMessageAndVersion(
                new TopicRecord().setName("t").setTopicId(ID), (short) 0));
        assertThatThrownBy(() -> ClusterRecordCodec.decode(HexFormat.of().parseHex(
                "0300000001" + "0d" + String.format("%08x", topic.length) + HexFormat.of().formatHex(topic))))
                .isInstanceOf(UndecodableEntryException.class).hasMessageContaining("is not a security record");
        assertThatThrownBy(() -> ClusterRecordCodec.decode(HexFormat.of().parseHex(
                "0300000001" + "0d" + "00000003" + "01ff00")))
                .isInstanceOf(UndecodableEntryException.class).hasMessageContaining("cannot be read");
    }

    @Test
    void shouldNeverPrintASaltOrKeyOfASecurityRecord() {
        Security record = new Security(new ApiMessageAndVersion(new UserScramCredentialRecord().setName("alice")
                .setMechanism((byte) 2).setSalt(new byte[] {42, 43}).setStoredKey(new byte[] {44}).setServerKey(new byte[] {45})
                .setIterations(4096), (short) 0));
        assertThat(record.toString()).contains("alice").doesNotContain("42").doesNotContain("44").doesNotContain("45");
    }

    @Test
    void shouldRefuseAnUnknownVersionRecordTypeOrFlag() {
        assertThatThrownBy(() -> ClusterRecordCodec.decode(HexFormat.of().parseHex("0400000000")))
                .isInstanceOf(UndecodableEntryException.class).hasMessageContaining("version 4");
        assertThatThrownBy(() -> ClusterRecordCodec.decode(HexFormat.of().parseHex("01000000017f")))
                .isInstanceOf(UndecodableEntryException.class).hasMessageContaining("unknown record type 127");
        assertThatThrownBy(() -> ClusterRecordCodec.decode(HexFormat.of().parseHex(
                "0100000001" + "09" + "00000000000000010000000000000002" + "00000004" + "10")))
                .isInstanceOf(UndecodableEntryException.class).hasMessageContaining("flags 16");
        assertThatThrownBy(() -> ClusterRecordCodec.decode(HexFormat.of().parseHex(
                "0200000001" + "09" + "00000000000000010000000000000002" + "00000004" + "40")))
                .isInstanceOf(UndecodableEntryException.class).hasMessageContaining("flags 64");
        assertThatThrownBy(() -> ClusterRecordCodec.decode(HexFormat.of().parseHex(
                "0100000001" + "0b" + "00000000000000010000000000000002" + "00")))
                .isInstanceOf(UndecodableEntryException.class).hasMessageContaining("bytes left");
    }

    @Test
    void shouldRefuseEveryTruncationOfAnEntry() {
        byte[] entry = ClusterRecordCodec.encode(List.of(new ClusterId("c"), new Topic("t", ID),
                new Partition(ID, 0, List.of(1, 2), List.of(1, 2), 1, LeaderRecoveryState.RECOVERED, 0, 0)));
        for (int length = 0; length < entry.length; length++) {
            byte[] cut = Arrays.copyOf(entry, length);
            assertThatThrownBy(() -> ClusterRecordCodec.decode(cut)).as("cut at %d", length)
                    .isInstanceOf(UndecodableEntryException.class);
        }
    }
}
