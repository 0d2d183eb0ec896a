package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.PartitionMetadataFile;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ReplicaRemoval} removes, moves aside or keeps, on real directories: only replicas
 * whose topic id proves they are no longer this node's go; a directory whose id cannot be read is
 * kept with its topic definition.
 */
class ReplicaRemovalTest {

    private static final Uuid OLD_ID = new Uuid(9, 9);
    private static final TopicPartition T0 = new TopicPartition("t", 0);

    @TempDir
    Path dataDir;
    private TopicRegistry topics;
    private PartitionRegistry partitions;
    private final List<TopicPartition> stopped = new ArrayList<>();
    private final FollowerFetching fetching = new FollowerFetching() {
        @Override
        public void follow(TopicPartition tp, int leaderId, int leaderEpoch) {
        }

        @Override
        public void stopFollowing(TopicPartition tp) {
            stopped.add(tp);
        }
    };

    @BeforeEach
    void open() throws IOException {
        topics = TopicRegistry.load(dataDir, BrokerConfig.of(Map.of()), FsyncLedger.NONE);
        // Deletions run at once: the delay is the environment's to apply.
        partitions = new PartitionRegistry(dataDir, LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(),
                false), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), tp -> { });
    }

    @AfterEach
    void close() {
        partitions.closeAll();
    }

    @Test
    void shouldMoveAsideAtStartAReplicaWhoseTopicIdTheMetadataLacks() throws IOException {
        host(OLD_ID);

        removal(1).moveStraysAside(new ClusterImages().image());

        assertThat(dataDir.resolve("t-0")).doesNotExist();
        assertThat(PartitionMetadataFile.read(dataDir.resolve("t-0." + OLD_ID + "-stray"))).contains(OLD_ID);
        assertThat(partitions.get(T0)).isNull();
        assertThat(topics.get("t")).isNull();
        assertThat(stopped).containsExactly(T0);
    }

    @Test
    void shouldMoveAsideAtStartAReplicaNoLongerAssignedHereAndKeepAnAssignedOne() throws IOException {
        ClusterImage image = new ClusterImages().topic(List.of(1, 2, 3), 1);
        host(ClusterImages.TOPIC_ID);

        removal(1).moveStraysAside(image);
        assertThat(partitions.get(T0)).as("node 1 is a replica").isNotNull();

        removal(4).moveStraysAside(image);
        assertThat(dataDir.resolve("t-0." + ClusterImages.TOPIC_ID + "-stray")).isDirectory();
        assertThat(partitions.get(T0)).isNull();
        assertThat(topics.get("t")).isNull();
    }

    @Test
    void shouldMoveAsideAtStartADirectoryNoTopicAccountsForWhenItsIdIsGone() throws IOException {
        Path orphan = Files.createDirectories(dataDir.resolve("u-3"));
        Files.writeString(orphan.resolve(PartitionMetadataFile.FILE_NAME), "version: 0\ntopic_id: " + OLD_ID + "\n");
        Path noId = Files.createDirectories(dataDir.resolve("v-0"));

        removal(1).moveStraysAside(new ClusterImages().image());

        assertThat(dataDir.resolve("u-3." + OLD_ID + "-stray")).isDirectory();
        assertThat(orphan).doesNotExist();
        assertThat(noId).as("no partition.metadata: nothing proves whose it is").isDirectory();
    }

    @Test
    void shouldKeepADirectoryAndItsTopicWhenTheIdCannotBeRead() throws IOException {
        topics.put(new TopicInfo("t", OLD_ID, 1, config()));
        Path dir = Files.createDirectories(dataDir.resolve("t-0"));
        Files.writeString(dir.resolve(PartitionMetadataFile.FILE_NAME), "version: 0\ntopic_id: not-an-id\n");

        removal(1).moveStraysAside(new ClusterImages().image());
        removal(1).removeUnassigned(new ClusterImages().image());

        assertThat(dir).isDirectory();
        assertThat(topics.get("t")).as("the name stays taken while unproven data is here").isNotNull();
    }

    @Test
    void shouldKeepADirectoryWhoseIdTheMetadataHasUnderAnotherName() throws IOException {
        ClusterImage image = new ClusterImages().topic(List.of(1, 2, 3), 1);
        Path dir = Files.createDirectories(dataDir.resolve("renamed-0"));
        Files.writeString(dir.resolve(PartitionMetadataFile.FILE_NAME),
                "version: 0\ntopic_id: " + ClusterImages.TOPIC_ID + "\n");

        removal(1).moveStraysAside(image);

        assertThat(dir).isDirectory();
    }

    @Test
    void shouldDeleteWhileRunningTheReplicasOfADeletedTopic() throws IOException {
        host(OLD_ID);

        removal(1).removeUnassigned(new ClusterImages().image());

        assertThat(dataDir.resolve("t-0")).doesNotExist();
        assertThat(dataDir.resolve("t-0." + OLD_ID + "-delete")).doesNotExist();
        assertThat(partitions.get(T0)).isNull();
        assertThat(topics.get("t")).isNull();
        assertThat(topics.pendingDeletes()).as("the deletion record is closed once the data is gone").isEmpty();
    }

    @Test
    void shouldDeleteWhileRunningOnlyTheReplicaMovedToOtherNodes() throws IOException {
        ClusterImage image = new ClusterImages().topic(List.of(1, 2, 3), 1);
        host(ClusterImages.TOPIC_ID);

        removal(1).removeUnassigned(image);
        assertThat(partitions.get(T0)).as("node 1 is still a replica").isNotNull();

        removal(4).removeUnassigned(image);
        assertThat(partitions.get(T0)).isNull();
        assertThat(dataDir.resolve("t-0")).doesNotExist();
        assertThat(topics.get("t")).as("no replica of it is left here").isNull();
    }

    @Test
    void shouldNeverDeleteADirectoryThatHoldsAnotherTopicId() throws IOException {
        host(OLD_ID);
        partitions.closeAll();
        topics.forget(topics.get("t"));
        topics.put(new TopicInfo("t", ClusterImages.TOPIC_ID, 1, config()));

        removal(1).removeUnassigned(new ClusterImages().image());

        assertThat(PartitionMetadataFile.read(dataDir.resolve("t-0"))).contains(OLD_ID);
        assertThat(topics.get("t")).isNotNull();
    }

    /** Topic "t" with one partition, recorded and open here as a cluster replica under {@code id}. */
    private void host(Uuid id) throws IOException {
        topics.put(new TopicInfo("t", id, 1, config()));
        partitions.open(T0, id, config(), false, false);
    }

    private ReplicaRemoval removal(int nodeId) {
        return new ReplicaRemoval(nodeId, topics, partitions, fetching);
    }

    private static TopicConfig config() {
        return TopicConfig.of(BrokerConfig.of(Map.of()), Map.of());
    }
}
