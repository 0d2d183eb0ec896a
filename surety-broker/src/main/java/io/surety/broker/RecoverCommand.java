package io.surety.broker;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.Log;
import io.surety.broker.log.LogDamage;
import io.surety.broker.log.StartRefusedException;
import io.surety.broker.metadata.DataDirectory;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code surety recover --truncate <topic>-<partition> [server.properties] [--override key=value ...]}:
 * the only way a corrupt partition's log is cut. With the broker stopped (the data directory's
 * {@code .lock} is taken for the whole run), it finds the damage exactly as a start would, cuts the
 * log there (later segments too) and says in one line what went: the offsets and the bytes. The
 * next start serves the partition from what precedes the damage.
 *
 * <p>Exit codes: 0 when cut; 2 with one line on stderr for a mistake (bad configuration, no Surety
 * data directory, a running broker, an unknown partition, a partition that is not corrupt);
 * 1 when an I/O error stopped it.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = "With the broker stopped, cut a corrupt partition's log at its damage (the partition is "
                + "offline until then).")
final class RecoverCommand implements Callable<Integer> {

    private static final int MISTAKE = 2;

    @Option(names = "--truncate", required = true, paramLabel = "<topic>-<partition>",
            description = "The corrupt partition to cut at its damage, as /ready names it.")
    private String partitionName;

    @Mixin
    private ConfigOptions configOptions = new ConfigOptions();

    @Override
    public Integer call() {
        BrokerConfig config;
        try {
            config = configOptions.load();
        } catch (ConfigOptions.InvalidConfiguration e) {
            return mistake(e.getMessage());
        }
        TopicPartition tp = parse(partitionName);
        if (tp == null) {
            return mistake("Unknown partition '" + partitionName + "': expected <topic>-<partition>");
        }
        try (DataDirectory directory = DataDirectory.openExisting(config.storage().dataDir(), config.nodeId())) {
            return truncate(config, directory.path(), tp);
        } catch (StartRefusedException e) {
            return mistake(e.getMessage());
        } catch (IOException e) {
            System.err.println("Could not recover " + partitionName + ": " + e);
            return 1;
        }
    }

    private Integer truncate(BrokerConfig config, Path dataDir, TopicPartition tp) throws IOException {
        TopicInfo topic = TopicRegistry.load(dataDir, config, FsyncLedger.NONE).get(tp.topic());
        Path dir = dataDir.resolve(PartitionRegistry.directoryName(tp));
        if (topic == null || tp.partition() >= topic.partitionCount() || !Files.isDirectory(dir)) {
            return mistake("Unknown partition " + partitionName + " in " + dataDir);
        }
        boolean cleanShutdown = Files.exists(dataDir.resolve(SuretyBroker.CLEAN_SHUTDOWN_FILE));
        Optional<LogDamage> cut = Log.truncateCorruption(dir, topic.config(), cleanShutdown);
        if (cut.isEmpty()) {
            return mistake("Nothing to truncate: " + partitionName + " is not corrupt");
        }
        LogDamage damage = cut.get();
        System.out.println("Truncated " + partitionName + " at " + damage.file() + " position " + damage.position()
                + ": removed offsets " + damage.offsetRange() + ", " + damage.bytes() + " bytes; it serves offsets below "
                + damage.firstOffset() + " at the next start");
        return 0;
    }

    /** {@code <topic>-<partition>}, split at the last '-' (topic names may contain '-'), or null. */
    static TopicPartition parse(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        try {
            int partition = Integer.parseInt(name.substring(dash + 1));
            return partition < 0 ? null : new TopicPartition(name.substring(0, dash), partition);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int mistake(String line) {
        System.err.println(line);
        return MISTAKE;
    }
}
