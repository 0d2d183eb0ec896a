package io.surety.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.StartRefusedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.kafka.common.metadata.RemoveUserScramCredentialRecord;
import org.apache.kafka.common.metadata.TopicRecord;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security store on a real directory: what was changed is there after a reopen, a torn tail
 * (a crash mid-append) is cut and only it, a whole frame this broker cannot read refuses the start
 * and is left as it was, the files are the owner's alone, and compaction keeps exactly the state.
 */
class SecurityStoreTest {

    private static final byte SHA_256 = 1;
    private static final byte SHA_512 = 2;

    @TempDir
    Path dataDir;

    private static ApiMessageAndVersion user(String name, byte mechanism, int iterations) {
        return new ApiMessageAndVersion(new UserScramCredentialRecord().setName(name).setMechanism(mechanism)
                .setSalt(new byte[] {1, 2, 3}).setStoredKey(new byte[] {4}).setServerKey(new byte[] {5})
                .setIterations(iterations), (short) 0);
    }

    private static ApiMessageAndVersion removed(String name, byte mechanism) {
        return new ApiMessageAndVersion(new RemoveUserScramCredentialRecord().setName(name).setMechanism(mechanism), (short) 0);
    }

    private ScramCredentials reopened() throws IOException {
        ScramCredentials credentials = new ScramCredentials();
        SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(credentials)).close();
        return credentials;
    }

    private Path journalFile() throws IOException {
        try (var files = Files.list(dataDir.resolve(SecurityStore.DIRECTORY))) {
            return files.filter(f -> f.toString().endsWith(".journal")).findFirst().orElseThrow();
        }
    }

    @Test
    void shouldReplayEveryDurableChangeInOrderAfterAReopen() throws IOException {
        ScramCredentials credentials = new ScramCredentials();
        try (SecurityStore store = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(credentials))) {
            String answer = store.change(() -> new SecurityChange<>(List.of(user("alice", SHA_256, 4096),
                    user("alice", SHA_512, 8192), user("bob", SHA_256, 4096)), "done"));
            assertThat(answer).isEqualTo("done");
            assertThat(credentials.credential("SCRAM-SHA-512", "alice")).as("applied once durable").isPresent();
            store.change(() -> new SecurityChange<>(List.of(removed("bob", SHA_256), user("alice", SHA_256, 10000)), null));
        }

        ScramCredentials again = reopened();
        assertThat(again.iterationsByUser()).hasSize(1);
        assertThat(again.credential("SCRAM-SHA-256", "alice").orElseThrow().iterations()).isEqualTo(10000);
        assertThat(again.credential("SCRAM-SHA-512", "alice").orElseThrow().iterations()).isEqualTo(8192);
        assertThat(again.credential("SCRAM-SHA-256", "bob")).isEmpty();
    }

    @Test
    void shouldWriteNothingForADecisionWithoutRecords() throws IOException {
        try (SecurityStore store = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(new ScramCredentials()))) {
            assertThat(store.change(() -> new SecurityChange<>(List.of(), 7))).isEqualTo(7);
            assertThat(store.sizeBytes()).isZero();
        }
    }

    @Test
    void shouldCutOnlyATornLastFrameAndKeepEveryWholeOne() throws IOException {
        try (SecurityStore store = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(new ScramCredentials()))) {
            store.change(() -> new SecurityChange<>(List.of(user("alice", SHA_256, 4096)), null));
            store.change(() -> new SecurityChange<>(List.of(user("bob", SHA_256, 4096)), null));
        }
        Path file = journalFile();
        long whole = Files.size(file);
        byte[] bytes = Files.readAllBytes(file);
        // A crash in the middle of a third append: its first half reached the disk.
        Files.write(file, java.util.Arrays.copyOfRange(bytes, (int) whole / 2, (int) whole), StandardOpenOption.APPEND);

        ScramCredentials again = reopened();
        assertThat(again.iterationsByUser()).containsOnlyKeys("alice", "bob");
        assertThat(Files.size(file)).isEqualTo(whole);
    }

    @Test
    void shouldRefuseToStartOnAWholeFrameItCannotReadAndLeaveItAsItWas() throws IOException {
        try (SecurityStore store = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(new ScramCredentials()))) {
            store.change(() -> new SecurityChange<>(List.of(user("alice", SHA_256, 4096)), null));
        }
        Path file = journalFile();
        long goodBytes = Files.size(file);
        // A record a newer broker might keep here: a topic, which no security state replays.
        appendRawFrame(file, SecurityRecordCodec.encode(List.of(new ApiMessageAndVersion(
                new TopicRecord().setName("t").setTopicId(Uuid.randomUuid()), (short) 0))));
        long size = Files.size(file);

        assertThatThrownBy(this::reopened).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("the frame at byte " + goodBytes + " ")
                .hasMessageContaining("users and ACLs")
                .hasMessageNotContaining("\n");
        assertThat(Files.size(file)).isEqualTo(size);

        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), (int) goodBytes));
        appendRawFrame(file, new byte[] {0, 0, 0, 1, 0, 0, 0, 3, 99, 99, 99});
        assertThatThrownBy(this::reopened).as("a record the serde cannot read")
                .isInstanceOf(StartRefusedException.class).hasMessageContaining("cannot be decoded");
    }

    @Test
    void shouldKeepTheDirectoryAndFilesForTheOwnerAlone() throws IOException {
        try (SecurityStore store = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(new ScramCredentials()))) {
            store.change(() -> new SecurityChange<>(List.of(user("alice", SHA_256, 4096)), null));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(SecurityStore.DIRECTORY))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journalFile()))).isEqualTo("rw-------");

        Files.setPosixFilePermissions(dataDir.resolve(SecurityStore.DIRECTORY), PosixFilePermissions.fromString("rwxr-xr-x"));
        reopened();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(SecurityStore.DIRECTORY))))
                .as("a directory opened up by hand is closed again").isEqualTo("rwx------");
    }

    @Test
    void shouldCompactToTheLiveStateOnceTheJournalOutgrowsIt() throws IOException {
        ScramCredentials credentials = new ScramCredentials();
        long before;
        try (SecurityStore store = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(credentials), 4096)) {
            // The same two users rewritten until the journal passes the compaction floor.
            int changes = 0;
            long largest = 0;
            while (changes < 1000) {
                int round = changes++;
                store.change(() -> new SecurityChange<>(List.of(user("alice", SHA_256, 4096 + round % 1000),
                        user("bob", SHA_512, 4096)), null));
                largest = Math.max(largest, store.sizeBytes());
                if (store.sizeBytes() < largest) {
                    break;
                }
            }
            assertThat(store.sizeBytes()).as("compacted after %d changes", changes).isLessThan(largest);
            before = credentials.credential("SCRAM-SHA-256", "alice").orElseThrow().iterations();
        }
        ScramCredentials again = reopened();
        assertThat(again.iterationsByUser()).containsOnlyKeys("alice", "bob");
        assertThat(again.credential("SCRAM-SHA-256", "alice").orElseThrow().iterations()).isEqualTo(before);
    }

    private static void appendRawFrame(Path file, byte[] body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer frame = ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) crc.getValue()).put(body);
        Files.write(file, frame.array(), StandardOpenOption.APPEND);
    }
}
