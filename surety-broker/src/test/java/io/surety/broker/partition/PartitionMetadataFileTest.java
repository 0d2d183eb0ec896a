package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka's {@code partition.metadata}: its format, and the proof it gives when a replica opens. */
class PartitionMetadataFileTest {

    private static final Uuid ID = new Uuid(1, 2);
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dataDir;

    @Test
    void shouldWriteKafkasFormatAndReadItBack() throws IOException {
        PartitionMetadataFile.write(dataDir, ID, FsyncLedger.NONE);

        assertThat(Files.readString(dataDir.resolve(PartitionMetadataFile.FILE_NAME)))
                .isEqualTo("version: 0\ntopic_id: " + ID + "\n");
        assertThat(PartitionMetadataFile.read(dataDir)).contains(ID);
    }

    @Test
    void shouldReadKafkasOwnFileWithoutATrailingNewline() throws IOException {
        Files.writeString(dataDir.resolve(PartitionMetadataFile.FILE_NAME), "version: 0\ntopic_id: " + ID);

        assertThat(PartitionMetadataFile.read(dataDir)).contains(ID);
    }

    @Test
    void shouldReadNothingWhenThereIsNoFileOrDirectory() throws IOException {
        assertThat(PartitionMetadataFile.read(dataDir)).isEmpty();
        assertThat(PartitionMetadataFile.read(dataDir.resolve("absent"))).isEmpty();
    }

    @Test
    void shouldRefuseADamagedFileNamingIt() throws IOException {
        for (String damaged : new String[] {"", "version: 1\ntopic_id: " + ID, "version: 0\ntopic_id: nope",
                "version: 0\ntopic_id: " + Uuid.ZERO_UUID, "version: 0\n"}) {
            Files.writeString(dataDir.resolve(PartitionMetadataFile.FILE_NAME), damaged);
            assertThatThrownBy(() -> PartitionMetadataFile.read(dataDir)).as(damaged).isInstanceOf(IOException.class)
                    .hasMessageContaining(PartitionMetadataFile.FILE_NAME);
        }
    }

    @Test
    void shouldRecordTheTopicIdWhenAClusterReplicaOpensAndRefuseAnotherId() throws IOException {
        PartitionRegistry partitions = registry();
        partitions.open(TP, ID, config(), false, false);
        partitions.closeAll();
        assertThat(PartitionMetadataFile.read(dataDir.resolve("t-0"))).contains(ID);

        assertThatThrownBy(() -> partitions.open(TP, new Uuid(3, 4), config(), true, false))
                .isInstanceOf(IOException.class).hasMessageContaining("holds topic id " + ID);
        assertThat(partitions.get(TP)).isNull();
        assertThat(PartitionMetadataFile.read(dataDir.resolve("t-0"))).contains(ID);
    }

    @Test
    void shouldWriteNoFileForASingleNodesPartition() throws IOException {
        PartitionRegistry partitions = registry();
        partitions.open(TP, ID, config(), false);
        partitions.closeAll();

        assertThat(dataDir.resolve("t-0").resolve(PartitionMetadataFile.FILE_NAME)).doesNotExist();
    }

    private PartitionRegistry registry() {
        return new PartitionRegistry(dataDir, LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), tp -> { });
    }

    private static TopicConfig config() {
        return TopicConfig.of(BrokerConfig.of(Map.of()), Map.of());
    }
}
