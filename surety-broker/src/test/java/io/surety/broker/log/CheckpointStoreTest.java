package io.surety.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint files' format is on disk across versions: one decimal offset and a newline, under
 * fixed names; a missing or unreadable file reads as 0; each write reaches the fsync ledger.
 */
class CheckpointStoreTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteEachOffsetAsDecimalLineUnderItsFixedName() throws Exception {
        List<String> synced = new ArrayList<>();
        CheckpointStore store = new CheckpointStore(dir, (file, length) -> synced.add(file.getFileName() + "=" + length));

        store.writeRecoveryPoint(42);
        store.writeLogStartOffset(7);
        store.writeCleanerCheckpoint(1234567890123L);

        assertThat(Files.readString(dir.resolve("recovery-point"), StandardCharsets.UTF_8)).isEqualTo("42\n");
        assertThat(Files.readString(dir.resolve("log-start-offset"), StandardCharsets.UTF_8)).isEqualTo("7\n");
        assertThat(Files.readString(dir.resolve("cleaner-checkpoint"), StandardCharsets.UTF_8))
                .isEqualTo("1234567890123\n");
        assertThat(synced).containsExactly("recovery-point=3", "log-start-offset=2", "cleaner-checkpoint=14");
        try (var files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("recovery-point", "log-start-offset", "cleaner-checkpoint");
        }
        assertThat(store.recoveryPoint()).isEqualTo(42);
        assertThat(store.logStartOffset()).isEqualTo(7);
        assertThat(store.cleanerCheckpoint()).isEqualTo(1234567890123L);
    }

    @Test
    void shouldReadZeroWhenFileIsMissingOrUnreadable() throws Exception {
        CheckpointStore store = new CheckpointStore(dir, FsyncLedger.NONE);
        Files.writeString(dir.resolve("log-start-offset"), "not a number\n");
        Files.writeString(dir.resolve("cleaner-checkpoint"), "  99 \n");

        assertThat(store.recoveryPoint()).isZero();
        assertThat(store.logStartOffset()).isZero();
        assertThat(store.cleanerCheckpoint()).isEqualTo(99);
    }

    @Test
    void shouldWriteLeaderEpochsInKafkaTextFormat() throws Exception {
        List<String> synced = new ArrayList<>();
        CheckpointStore store = new CheckpointStore(dir, (file, length) -> synced.add(file.getFileName() + "=" + length));
        LeaderEpochCache epochs = LeaderEpochCache.of(List.of(new LeaderEpochCache.EpochEntry(0, 0),
                new LeaderEpochCache.EpochEntry(2, 150), new LeaderEpochCache.EpochEntry(5, 4000)));

        store.writeLeaderEpochs(epochs);

        assertThat(Files.readString(dir.resolve("leader-epoch-checkpoint"), StandardCharsets.UTF_8))
                .isEqualTo("0\n3\n0 0\n2 150\n5 4000\n");
        assertThat(synced).containsExactly("leader-epoch-checkpoint=21");
        assertThat(store.leaderEpochs()).contains(epochs);
        store.writeLeaderEpochs(LeaderEpochCache.EMPTY);
        assertThat(Files.readString(dir.resolve("leader-epoch-checkpoint"), StandardCharsets.UTF_8)).isEqualTo("0\n0\n");
        assertThat(store.leaderEpochs()).contains(LeaderEpochCache.EMPTY);
    }

    @Test
    void shouldReadLeaderEpochsAsAbsentWhenMissingTornOrMalformed() throws Exception {
        CheckpointStore store = new CheckpointStore(dir, FsyncLedger.NONE);
        assertThat(store.leaderEpochs()).isEmpty();
        String whole = "0\n3\n0 0\n2 150\n5 4000\n";
        for (int length = 0; length < whole.length(); length++) {
            Files.writeString(dir.resolve("leader-epoch-checkpoint"), whole.substring(0, length));
            assertThat(store.leaderEpochs()).as("cut at %d", length).isEmpty();
        }
        for (String bad : List.of("1\n0\n", "0\n1\n3 x\n", "0\n2\n5 10\n4 20\n", "0\n1\n1 2 3\n", "\u0000\u00ff\n")) {
            Files.writeString(dir.resolve("leader-epoch-checkpoint"), bad);
            assertThat(store.leaderEpochs()).as(bad).isEmpty();
        }
    }
}
