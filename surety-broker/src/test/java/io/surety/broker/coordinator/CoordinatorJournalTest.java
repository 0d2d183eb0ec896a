package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.config.GroupConfig;
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
import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import io.surety.broker.log.FramedJournal;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.StartRefusedException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorJournalTest {

    @TempDir
    Path dir;

    private static List<CoordinatorRecord> everyKind() {
        Uuid topic = new Uuid(1, 2);
        Assignment some = new Assignment(Map.of(topic, Set.of(0, 2)));
        return List.of(
                new OffsetCommitted("g", "t", 3, 42, 0, "meta", 1000),
                new OffsetRemoved("g", "t", 4),
                new ClassicGroupSnapshot("g", "consumer", 7, "range", "m1", 5, List.of(
                        new ClassicMemberSnapshot("m1", null, "c", "/h", 300, 10, new byte[] {1, 2}, new byte[] {3}))),
                new GroupRemoved("gone"),
                new ConsumerGroupEpoch("k", 3, 99L),
                new ConsumerMemberState("k", "m", "i", null, "c", "/h", List.of("t"), "t.*", "uniform", 30_000, 3, 2,
                        MemberState.UNREVOKED_PARTITIONS, some, Assignment.EMPTY),
                new ConsumerMemberRemoved("k", "old"),
                new ConsumerTargetAssignment("k", 3, Map.of("m", some)));
    }

    private List<CoordinatorRecord> replayed() throws IOException {
        List<CoordinatorRecord> out = new ArrayList<>();
        CoordinatorJournal.open(dir, FsyncLedger.NONE, out::addAll).close();
        return out;
    }

    @Test
    void shouldReplayEveryRecordKindWhenReopened() throws IOException {
        try (CoordinatorJournal journal = CoordinatorJournal.open(dir, FsyncLedger.NONE, r -> { })) {
            journal.append(everyKind());
            journal.flush();
        }
        assertThat(RecordCodec.encode(replayed())).isEqualTo(RecordCodec.encode(everyKind()));
    }

    @Test
    void shouldCutATornTailAtEveryLengthAndKeepEveryWholeFrame() throws IOException {
        try (CoordinatorJournal journal = CoordinatorJournal.open(dir, FsyncLedger.NONE, r -> { })) {
            journal.append(List.of(everyKind().get(0)));
            journal.append(List.of(everyKind().get(2)));
            journal.flush();
        }
        Path file = Files.list(dir.resolve(CoordinatorJournal.DIRECTORY)).findFirst().orElseThrow();
        byte[] whole = Files.readAllBytes(file);
        int firstFrame = 8 + RecordCodec.encode(List.of(everyKind().get(0))).length;
        for (int cut = firstFrame; cut < whole.length; cut++) {
            Files.write(file, java.util.Arrays.copyOf(whole, cut));
            List<CoordinatorRecord> got = replayed();
            assertThat(got).as("cut at %d", cut).containsExactly(everyKind().get(0));
            assertThat(Files.size(file)).isEqualTo(firstFrame);
        }
    }

    @Test
    void shouldDropAFrameWhoseChecksumFails() throws IOException {
        try (CoordinatorJournal journal = CoordinatorJournal.open(dir, FsyncLedger.NONE, r -> { })) {
            journal.append(List.of(everyKind().get(0)));
            journal.append(List.of(everyKind().get(1)));
            journal.flush();
        }
        Path file = Files.list(dir.resolve(CoordinatorJournal.DIRECTORY)).findFirst().orElseThrow();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x55}), Files.size(file) - 1);
        }
        assertThat(replayed()).containsExactly(everyKind().get(0));
    }

    @Test
    void shouldKeepTheStateWhenCompactedAndIgnoreAnInterruptedCompaction() throws IOException {
        try (CoordinatorJournal journal = CoordinatorJournal.open(dir, FsyncLedger.NONE, r -> { })) {
            for (int i = 0; i < 100; i++) {
                journal.append(List.of(new OffsetCommitted("g", "t", 0, i, 0, "", i)));
            }
            journal.rewrite(List.of(new OffsetCommitted("g", "t", 0, 99, 0, "", 99)));
            assertThat(journal.wantsCompaction(0)).isFalse();
            journal.append(List.of(new OffsetCommitted("g", "t", 1, 5, 0, "", 100)));
        }
        Files.write(dir.resolve(CoordinatorJournal.DIRECTORY).resolve("00000000000000000009.journal.tmp"), new byte[] {1});
        assertThat(replayed()).containsExactly(new OffsetCommitted("g", "t", 0, 99, 0, "", 99),
                new OffsetCommitted("g", "t", 1, 5, 0, "", 100));
        try (var files = Files.list(dir.resolve(CoordinatorJournal.DIRECTORY))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("00000000000000000001.journal");
        }
    }

    /** The coordinator journal of the Surety 0.1.0 data directory fixture (see fixtures/README.md). */
    private static Path fixtureJournal() throws URISyntaxException {
        return Path.of(CoordinatorJournalTest.class.getResource(
                "/fixtures/surety-0.1.0-data/__consumer_offsets-0/00000000000000000000.journal").toURI());
    }

    @Test
    void shouldReplayAJournalWrittenBySurety010() throws Exception {
        Path journalDir = Files.createDirectories(dir.resolve(CoordinatorJournal.DIRECTORY));
        Files.copy(fixtureJournal(), journalDir.resolve("00000000000000000000.journal"));
        ManualCoordinator coordinator = new ManualCoordinator(GroupConfig.defaults());
        List<List<CoordinatorRecord>> frames = new ArrayList<>();
        List<TransactionStatus> statuses = new ArrayList<>();
        CoordinatorJournal.open(dir, FsyncLedger.NONE, records -> {
            frames.add(records);
            for (CoordinatorRecord record : records) {
                coordinator.state.replay(record, 0);
                if (record instanceof TransactionSnapshot t) {
                    statuses.add(t.status());
                }
            }
        }).close();

        for (int partition = 0; partition < 3; partition++) {
            assertThat(coordinator.state.offsets().get("fixture-group", new TopicPartition("orders", partition)).offset())
                    .as("orders-%d", partition).isEqualTo(40 + partition);
        }
        assertThat(coordinator.state.classic("fixture-group")).isNotNull();
        assertThat(statuses).containsExactly(TransactionStatus.EMPTY, TransactionStatus.ONGOING, TransactionStatus.PREPARE_COMMIT,
                TransactionStatus.COMPLETE_COMMIT, TransactionStatus.ONGOING, TransactionStatus.PREPARE_ABORT,
                TransactionStatus.COMPLETE_ABORT);
        assertThat(coordinator.state.transactions().get("fixture-tx").status()).isEqualTo(TransactionStatus.COMPLETE_ABORT);
        assertThat(Files.readAllBytes(journalDir.resolve("00000000000000000000.journal")))
                .as("replaying an old journal leaves it as it was").isEqualTo(Files.readAllBytes(fixtureJournal()));

        Path again = dir.resolve("again");
        try (CoordinatorJournal journal = CoordinatorJournal.open(again, FsyncLedger.NONE, r -> { })) {
            for (List<CoordinatorRecord> frame : frames) {
                journal.append(frame);
            }
        }
        assertThat(Files.readAllBytes(again.resolve(CoordinatorJournal.DIRECTORY).resolve("00000000000000000000.journal")))
                .as("the same records written today").isEqualTo(Files.readAllBytes(fixtureJournal()));
    }

    /** Writes one whole frame with a matching checksum around {@code body}, after what the file holds. */
    private static void appendRawFrame(Path file, byte[] body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer frame = ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) crc.getValue()).put(body);
        Files.write(file, frame.array(), StandardOpenOption.APPEND);
    }

    /** A journal holding one good frame, then a frame with {@code badBody} (checksum matching); returns the file. */
    private Path journalWithBadSecondFrame(byte[] badBody) throws IOException {
        try (CoordinatorJournal journal = CoordinatorJournal.open(dir, FsyncLedger.NONE, r -> { })) {
            journal.append(List.of(everyKind().get(0)));
        }
        Path file = dir.resolve(CoordinatorJournal.DIRECTORY).resolve("00000000000000000000.journal");
        appendRawFrame(file, badBody);
        return file;
    }

    @Test
    void shouldRefuseToLoadAJournalWithAnUnknownRecordTypeNamingFileOffsetAndType() throws IOException {
        Path file = journalWithBadSecondFrame(HexFormat.of().parseHex("01" + "00000001" + "63"));
        long badFrameAt = 8 + RecordCodec.encode(List.of(everyKind().get(0))).length;
        long sizeBefore = Files.size(file);

        assertThatThrownBy(this::replayed).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("the frame at byte " + badFrameAt + " ")
                .hasMessageContaining("unknown record type 99")
                .hasMessageNotContaining("\n");
        assertThat(Files.size(file)).as("a refused journal is left as it was").isEqualTo(sizeBefore);
    }

    @Test
    void shouldRefuseToLoadAJournalWithAnUnknownEnumCodeNamingFileOffsetAndCode() throws IOException {
        ConsumerMemberState member = (ConsumerMemberState) everyKind().get(5);
        byte[] body = RecordCodec.encode(List.of(member));
        byte[] stable = RecordCodec.encode(List.of(new ConsumerMemberState(member.groupId(), member.memberId(),
                member.instanceId(), member.rackId(), member.clientId(), member.clientHost(), member.subscribedTopics(),
                member.subscribedRegex(), member.serverAssignor(), member.rebalanceTimeoutMs(), member.memberEpoch(),
                member.previousMemberEpoch(), MemberState.STABLE, member.assigned(), member.revoking())));
        int stateAt = java.util.Arrays.mismatch(body, stable);
        body[stateAt] = 9;
        Path file = journalWithBadSecondFrame(body);
        long badFrameAt = 8 + RecordCodec.encode(List.of(everyKind().get(0))).length;

        assertThatThrownBy(this::replayed).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("the frame at byte " + badFrameAt + " ")
                .hasMessageContaining("unknown member state code 9")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shouldRefuseToDecodeEveryTruncationOfAFrameBody() {
        byte[] body = RecordCodec.encode(everyKind());
        for (int cut = 0; cut < body.length; cut++) {
            ByteBuffer truncated = ByteBuffer.wrap(java.util.Arrays.copyOf(body, cut));
            assertThatThrownBy(() -> RecordCodec.decode(truncated)).as("cut at %d", cut)
                    .isInstanceOf(FramedJournal.UndecodableFrameException.class);
        }
    }
}
