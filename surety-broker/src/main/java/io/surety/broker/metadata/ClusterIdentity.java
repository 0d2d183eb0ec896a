package io.surety.broker.metadata;

import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.SegmentFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The cluster id and node id recorded in {@code <data>/meta.properties}, created on first start,
 * as Kafka does, so clients see the same cluster across restarts and a data directory is never
 * silently reused by a different node id.
 */
public record ClusterIdentity(String clusterId, int nodeId) {

    private static final String FILE = "meta.properties";

    public static ClusterIdentity loadOrCreate(Path dataDir, int nodeId, FsyncLedger ledger) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            Properties props = new Properties();
            props.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            int stored = Integer.parseInt(props.getProperty("node.id"));
            if (stored != nodeId) {
                throw new IOException("Data directory " + dataDir + " belongs to node.id " + stored
                        + " but this broker is node.id " + nodeId);
            }
            return new ClusterIdentity(props.getProperty("cluster.id"), stored);
        }
        ClusterIdentity identity = new ClusterIdentity(Uuid.randomUuid().toString(), nodeId);
        Properties props = new Properties();
        props.setProperty("cluster.id", identity.clusterId());
        props.setProperty("node.id", Integer.toString(nodeId));
        props.setProperty("version", "1");
        StringWriter out = new StringWriter();
        props.store(out, "Surety node identity");
        SegmentFiles.writeDurably(file, ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)), ledger);
        return identity;
    }
}
