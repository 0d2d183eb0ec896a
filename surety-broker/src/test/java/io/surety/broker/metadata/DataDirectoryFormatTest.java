package io.surety.broker.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.log.StartRefusedException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryFormatTest {

    private static final String CLUSTER = "q1Sh-9_ISia_zwGINzRvyQ";

    @TempDir
    Path dir;

    private static Properties meta(Path data) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(data.resolve(DataDirectory.META_FILE))) {
            props.load(reader);
        }
        return props;
    }

    @Test
    void shouldWriteKafkasMetaPropertiesKeysAndSuretysMarkWhenFormattingAMissingDirectory() throws IOException {
        Path data = dir.resolve("data");

        assertThat(DataDirectory.format(data, CLUSTER, 3, false, false)).isEqualTo(DataDirectory.FormatOutcome.FORMATTED);

        Properties meta = meta(data);
        assertThat(meta.stringPropertyNames()).containsExactlyInAnyOrder("cluster.id", "node.id", "directory.id", "version",
                "surety.storage.version");
        assertThat(meta.getProperty("cluster.id")).isEqualTo(CLUSTER);
        assertThat(meta.getProperty("node.id")).isEqualTo("3");
        assertThat(meta.getProperty("version")).isEqualTo("1");
        Uuid directoryId = Uuid.fromString(meta.getProperty("directory.id"));
        assertThat(data.resolve(DataDirectory.LOCK_FILE)).as("format takes no lock").doesNotExist();

        try (DataDirectory claimed = DataDirectory.claim(data, 3, false)) {
            assertThat(claimed.identity()).as("a formatted directory is Surety's, directory.id and all")
                    .isEqualTo(new ClusterIdentity(CLUSTER, 3, Optional.of(directoryId), false));
        }
    }

    @Test
    void shouldGiveEveryFormatANewDirectoryIdAndMarkAReplacement() throws IOException {
        DataDirectory.format(dir.resolve("a"), CLUSTER, 1, false, false);
        DataDirectory.format(dir.resolve("b"), CLUSTER, 1, true, false);

        assertThat(meta(dir.resolve("a")).getProperty("directory.id")).isNotEqualTo(meta(dir.resolve("b")).getProperty("directory.id"));
        assertThat(meta(dir.resolve("a")).getProperty("surety.replacement")).isNull();
        assertThat(meta(dir.resolve("b")).getProperty("surety.replacement")).isEqualTo("true");
        try (DataDirectory replaced = DataDirectory.claim(dir.resolve("b"), 1, false)) {
            assertThat(replaced.identity().formattedAsReplacement()).isTrue();
        }
    }

    @Test
    void shouldRefuseAFormattedDirectoryUnlessToldToIgnoreItAndNeverForAnotherClusterOrNode() throws IOException {
        Path data = dir.resolve("data");
        DataDirectory.format(data, CLUSTER, 1, false, false);
        String before = Files.readString(data.resolve(DataDirectory.META_FILE));

        assertThatThrownBy(() -> DataDirectory.format(data, CLUSTER, 1, false, false))
                .isInstanceOf(StartRefusedException.class)
                .hasMessage("The data directory " + data + " is already formatted; use --ignore-formatted to leave it as it is");
        assertThat(DataDirectory.format(data, CLUSTER, 1, false, true)).isEqualTo(DataDirectory.FormatOutcome.ALREADY_FORMATTED);
        String other = Uuid.randomUuid().toString();
        assertThatThrownBy(() -> DataDirectory.format(data, other, 1, false, true))
                .isInstanceOf(StartRefusedException.class)
                .hasMessage("The data directory " + data + " is formatted for cluster " + CLUSTER + ", not " + other
                        + "; use an empty directory for this cluster");
        assertThatThrownBy(() -> DataDirectory.format(data, CLUSTER, 2, false, true))
                .isInstanceOf(StartRefusedException.class).hasMessageContaining("belongs to node.id 1");

        assertThat(Files.readString(data.resolve(DataDirectory.META_FILE))).isEqualTo(before);
    }

    @Test
    void shouldStillRefuseAnApacheKafkaDirectoryWhoseMetaPropertiesHasADirectoryId() throws IOException {
        Path data = Files.createDirectories(dir.resolve("kafka"));
        String kafkaMeta = "node.id=1\ndirectory.id=5VLP1ovabgHW1nnK9dBcTA\nversion=1\ncluster.id=" + CLUSTER + "\n";
        Files.writeString(data.resolve("meta.properties"), kafkaMeta);
        Files.createDirectories(data.resolve("orders-0"));

        assertThatThrownBy(() -> DataDirectory.claim(data, 1)).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining("is an Apache Kafka data directory");
        assertThatThrownBy(() -> DataDirectory.format(data, CLUSTER, 1, false, true)).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining("is an Apache Kafka data directory");
        assertThat(Files.readString(data.resolve("meta.properties"))).isEqualTo(kafkaMeta);
        assertThat(data.resolve(DataDirectory.LOCK_FILE)).doesNotExist();
    }

    @Test
    void shouldRefuseAnUnformattedDirectoryForAClusterNodeWritingNothing() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThatThrownBy(() -> DataDirectory.claim(empty, 1, false)).isInstanceOf(StartRefusedException.class)
                .hasMessage("The data directory " + empty + " is not formatted, and a cluster node never formats itself: "
                        + "run bin/surety format --cluster-id <id> with this configuration first (the same id on every "
                        + "node; bin/surety random-uuid makes one)");
        assertThatThrownBy(() -> DataDirectory.claim(dir.resolve("missing"), 1, false))
                .isInstanceOf(StartRefusedException.class).hasMessageContaining("is not formatted");

        try (var entries = Files.list(empty)) {
            assertThat(entries).isEmpty();
        }
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void shouldGiveASingleNodesDirectoryADirectoryIdAtItsFirstStartAndKeepIt() throws IOException {
        Path data = dir.resolve("data");
        Uuid first;
        try (DataDirectory claimed = DataDirectory.claim(data, 1)) {
            first = claimed.identity().directoryId().orElseThrow();
        }
        try (DataDirectory again = DataDirectory.claim(data, 1)) {
            assertThat(again.identity().directoryId()).hasValue(first);
            assertThat(again.identity().formattedAsReplacement()).isFalse();
        }
    }

    @Test
    void shouldAddADirectoryIdToADirectoryWrittenBeforeItExistedKeepingEverythingElse() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("meta.properties"),
                "cluster.id=" + CLUSTER + "\nnode.id=1\nversion=1\nsurety.storage.version=1\n");

        try (DataDirectory claimed = DataDirectory.claim(data, 1)) {
            assertThat(claimed.identity().clusterId()).isEqualTo(CLUSTER);
            assertThat(claimed.identity().directoryId()).isPresent();
        }
        assertThat(meta(data).getProperty("directory.id")).isNotNull();
        assertThat(meta(data).getProperty("cluster.id")).isEqualTo(CLUSTER);
    }

    @Test
    void shouldRefuseToJoinAQuorumOfAnotherCluster() {
        ClusterIdentity identity = new ClusterIdentity(CLUSTER, 1);

        assertThatThrownBy(() -> identity.requireCluster("AAAAAAAAAAAAAAAAAAAAAQ")).isInstanceOf(StartRefusedException.class)
                .hasMessage("The data directory belongs to cluster " + CLUSTER + " but the quorum is cluster "
                        + "AAAAAAAAAAAAAAAAAAAAAQ; give this node a data directory formatted with bin/surety format "
                        + "--cluster-id AAAAAAAAAAAAAAAAAAAAAQ");
    }
}
