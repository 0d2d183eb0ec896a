package io.surety.broker.metadata;

import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.SegmentFiles;
import io.surety.broker.log.StartRefusedException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * The data directory ({@code log.dirs}) this broker stores everything in, claimed at start before
 * anything is written to it.
 *
 * <p>Ownership: Surety touches only a directory it created. A directory is Surety's when its
 * {@code meta.properties} carries {@code surety.storage.version}, or — a directory written before
 * that key existed — when it has Surety's layout (a {@code topics/} directory and a coordinator
 * journal under {@code __consumer_offsets-0/}) and no sign of Apache Kafka; such a directory gets
 * the key at this start. Signs of Apache Kafka: a {@code __cluster_metadata-0/} directory, or a
 * {@code directory.id} in a {@code meta.properties} without Surety's key (Surety writes a
 * {@code directory.id} too, always with its key). A missing or empty directory (a lone
 * {@code lost+found}, which a fresh file system has, counts as empty) is initialised on a single
 * node, or by {@link #format}; a cluster node never initialises one itself. Anything else is refused
 * with {@link StartRefusedException} before a single byte — not even the {@code .lock} file — is
 * written, so pointing the broker at the wrong directory by mistake costs nothing.
 *
 * <p>{@code meta.properties} ({@code java.util.Properties} text, replaced atomically and fsynced;
 * the keys of Kafka's meta.properties v1 plus Surety's):
 * <pre>
 *   cluster.id=&lt;base64 UUID&gt;        the cluster clients see, kept across restarts; given to format
 *   node.id=&lt;int&gt;                   a directory is never reused by another node.id
 *   directory.id=&lt;base64 UUID&gt;      this directory's own id, new at every format or first start; the
 *                                    quorum registers it, so a replaced disk is told from the old one
 *   version=1                        the key Kafka's own meta.properties has too
 *   surety.storage.version=1         Surety's mark: this directory and its layout are Surety's
 *   surety.replacement=true          only when formatted with --replace: this directory replaces a lost
 *                                    one of the same node.id, and the operator said so; the quorum lets
 *                                    a node id with a new directory.id vote and rejoin ISRs only then
 * </pre>
 * A directory written before {@code directory.id} existed gets one at its next start. A crash while
 * the file is first written leaves no file (the write is a rename) or a complete one; the file is
 * written before the {@code .lock} file exists, so no directory is ever left holding only Surety's
 * lock.
 *
 * <p>The lock ({@code .lock}, an OS file lock held while the broker runs) keeps a second broker out.
 * Not thread-safe; owned by the broker that claimed it.
 */
public final class DataDirectory implements AutoCloseable {

    public static final String META_FILE = "meta.properties";
    public static final String LOCK_FILE = ".lock";
    static final String STORAGE_VERSION_KEY = "surety.storage.version";
    static final int STORAGE_VERSION = 1;
    static final String DIRECTORY_ID_KEY = "directory.id";
    static final String REPLACEMENT_KEY = "surety.replacement";
    private static final String KAFKA_METADATA_LOG = "__cluster_metadata-0";
    private static final String LOST_AND_FOUND = "lost+found";
    private static final String TOPICS = "topics";
    private static final String COORDINATOR_DIRECTORY = "__consumer_offsets-0";
    private static final String JOURNAL_SUFFIX = ".journal";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final Set<String> OWN_ENTRIES = Set.of(META_FILE, META_FILE + TEMP_SUFFIX, LOCK_FILE, LOST_AND_FOUND);

    private final Path path;
    private final FileChannel lockChannel;
    private final ClusterIdentity identity;

    private DataDirectory(Path path, FileChannel lockChannel, ClusterIdentity identity) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.identity = identity;
    }

    /**
     * Claims {@code dir} for single node {@code nodeId}: checks it is Surety's (or initialises it
     * when it is missing or empty), takes the lock and reads the identity.
     *
     * @throws StartRefusedException naming the directory and the reason when it is not Surety's, is
     *     in use, cannot be created or written, or holds a damaged {@code meta.properties}
     */
    public static DataDirectory claim(Path dir, int nodeId) throws IOException {
        return claim(dir, nodeId, true);
    }

    /**
     * Claims {@code dir} for node {@code nodeId} as {@link #claim(Path, int)} does, except that a
     * missing or empty directory is initialised only when {@code mayInitialise}: a cluster node
     * refuses it, naming {@code bin/surety format}, since it never formats itself into a cluster.
     */
    public static DataDirectory claim(Path dir, int nodeId, boolean mayInitialise) throws IOException {
        Path path = dir.toAbsolutePath().normalize();
        Contents contents = Contents.inspect(path);
        if (!mayInitialise && (contents == Contents.MISSING || contents == Contents.EMPTY)) {
            throw new StartRefusedException("The data directory " + path + " is not formatted, and a cluster node never "
                    + "formats itself: run bin/surety format --cluster-id <id> with this configuration first (the same "
                    + "id on every node; bin/surety random-uuid makes one)");
        }
        switch (contents) {
            case MISSING, EMPTY -> initialise(path, newMeta(Uuid.randomUuid().toString(), nodeId, false),
                    contents == Contents.MISSING);
            case SURETY -> addDirectoryIdIfMissing(path, nodeId);
            case SURETY_BEFORE_MARK -> markAsSurety(path, nodeId);
            case NOT_A_DIRECTORY, APACHE_KAFKA, FOREIGN -> refuseNotOurs(path, contents);
        }
        requireWritable(path);
        FileChannel lockChannel = lock(path);
        try {
            return new DataDirectory(path, lockChannel, readIdentity(path, nodeId));
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    /**
     * Opens {@code dir} for an offline tool ({@code bin/surety recover}): it must already be Surety's,
     * and no broker may hold it. Never initialises or marks anything.
     *
     * @throws StartRefusedException when it is not a Surety data directory or a broker is running on it
     */
    public static DataDirectory openExisting(Path dir, int nodeId) throws IOException {
        Path path = dir.toAbsolutePath().normalize();
        Contents contents = Contents.inspect(path);
        if (contents != Contents.SURETY && contents != Contents.SURETY_BEFORE_MARK) {
            throw new StartRefusedException("Not a Surety data directory: " + path + " (log.dirs); give the "
                    + "configuration the broker starts with");
        }
        FileChannel lockChannel = lock(path);
        try {
            return new DataDirectory(path, lockChannel,
                    identityOf(path, readProperties(path.resolve(META_FILE)), nodeId));
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    /** What a would-be data directory holds, judged by reading only. */
    enum Contents {
        MISSING, EMPTY, SURETY, SURETY_BEFORE_MARK, APACHE_KAFKA, FOREIGN, NOT_A_DIRECTORY;

        static Contents inspect(Path path) throws IOException {
            if (!Files.exists(path)) {
                return MISSING;
            }
            if (!Files.isDirectory(path)) {
                return NOT_A_DIRECTORY;
            }
            List<String> names = entries(path);
            names.remove(LOST_AND_FOUND);
            if (names.isEmpty() || names.equals(List.of(META_FILE + TEMP_SUFFIX))) {
                // A lone temp file is what a crash during the first write of meta.properties leaves.
                return EMPTY;
            }
            Properties meta = names.contains(META_FILE) ? readProperties(path.resolve(META_FILE)) : null;
            if (names.contains(KAFKA_METADATA_LOG)) {
                return APACHE_KAFKA;
            }
            if (meta != null && meta.containsKey(STORAGE_VERSION_KEY)) {
                return SURETY;
            }
            if (meta != null && meta.containsKey(DIRECTORY_ID_KEY)) {
                return APACHE_KAFKA;
            }
            return meta != null && hasSuretyLayout(path) ? SURETY_BEFORE_MARK : FOREIGN;
        }

        private static boolean hasSuretyLayout(Path path) throws IOException {
            Path journals = path.resolve(COORDINATOR_DIRECTORY);
            if (!Files.isDirectory(path.resolve(TOPICS)) || !Files.isDirectory(journals)) {
                return false;
            }
            return entries(journals).stream().anyMatch(name -> name.endsWith(JOURNAL_SUFFIX));
        }
    }

    /** What {@link #format} did. */
    public enum FormatOutcome {
        /** The directory was empty or missing and now holds a new {@code meta.properties}. */
        FORMATTED,
        /** The directory was already formatted for this cluster and node, and was left as it was. */
        ALREADY_FORMATTED
    }

    /**
     * {@code bin/surety format}: writes a new {@code meta.properties} (cluster id, node id, a new
     * directory id, and the replacement mark when {@code replacement}) into {@code dir} when it is
     * missing or empty, as {@code kafka-storage format} does. Never takes the lock and never writes
     * into a directory that holds anything.
     *
     * @param ignoreFormatted leave an already formatted directory as it is instead of refusing it,
     *     if it belongs to {@code clusterId} and {@code nodeId} ({@code --ignore-formatted})
     * @throws StartRefusedException one line: the directory is formatted already (or for another
     *     cluster or node), is not Surety's, or cannot be written
     */
    public static FormatOutcome format(Path dir, String clusterId, int nodeId, boolean replacement,
            boolean ignoreFormatted) throws IOException {
        Path path = dir.toAbsolutePath().normalize();
        Contents contents = Contents.inspect(path);
        switch (contents) {
            case MISSING, EMPTY -> {
                initialise(path, newMeta(clusterId, nodeId, replacement), contents == Contents.MISSING);
                return FormatOutcome.FORMATTED;
            }
            case SURETY, SURETY_BEFORE_MARK -> {
                ClusterIdentity existing = identityOf(path, readProperties(path.resolve(META_FILE)), nodeId);
                if (!existing.clusterId().equals(clusterId)) {
                    throw new StartRefusedException("The data directory " + path + " is formatted for cluster "
                            + existing.clusterId() + ", not " + clusterId + "; use an empty directory for this cluster");
                }
                if (!ignoreFormatted) {
                    throw new StartRefusedException("The data directory " + path + " is already formatted; use "
                            + "--ignore-formatted to leave it as it is");
                }
                return FormatOutcome.ALREADY_FORMATTED;
            }
            default -> {
                refuseNotOurs(path, contents);
                return FormatOutcome.ALREADY_FORMATTED;
            }
        }
    }

    private static void refuseNotOurs(Path path, Contents contents) throws StartRefusedException {
        switch (contents) {
            case NOT_A_DIRECTORY -> throw new StartRefusedException("The data directory " + path
                    + " is a file, not a directory; set log.dirs to a directory");
            case APACHE_KAFKA -> throw new StartRefusedException("The data directory " + path + " is an Apache Kafka "
                    + "data directory; Surety does not use or change it. Set log.dirs to an empty directory");
            default -> throw new StartRefusedException("The data directory " + path + " is not empty and is not "
                    + "a Surety data directory; Surety touches nothing in it. Set log.dirs to an empty or new directory");
        }
    }

    private static Properties newMeta(String clusterId, int nodeId, boolean replacement) {
        Properties meta = new Properties();
        meta.setProperty("cluster.id", clusterId);
        meta.setProperty("node.id", Integer.toString(nodeId));
        meta.setProperty(DIRECTORY_ID_KEY, Uuid.randomUuid().toString());
        meta.setProperty("version", "1");
        meta.setProperty(STORAGE_VERSION_KEY, Integer.toString(STORAGE_VERSION));
        if (replacement) {
            meta.setProperty(REPLACEMENT_KEY, "true");
        }
        return meta;
    }

    private static void initialise(Path path, Properties meta, boolean create) throws IOException {
        if (create) {
            try {
                Files.createDirectories(path);
            } catch (FileSystemException e) {
                throw new StartRefusedException("Could not create the data directory " + path + ": " + reason(e)
                        + "; create it, or set log.dirs to a directory this user can write", e);
            }
        }
        requireWritable(path);
        writeMeta(path, meta);
    }

    /** A directory written before directory.id existed gets one, durably, keeping everything else. */
    private static void addDirectoryIdIfMissing(Path path, int nodeId) throws IOException {
        Properties meta = readProperties(path.resolve(META_FILE));
        if (meta.containsKey(DIRECTORY_ID_KEY)) {
            return;
        }
        requireWritable(path);
        // A damaged file is reported as it is, never rewritten.
        identityOf(path, meta, nodeId);
        meta.setProperty(DIRECTORY_ID_KEY, Uuid.randomUuid().toString());
        writeMeta(path, meta);
    }

    /** A directory written before the mark existed gets it, durably, keeping everything else as it was. */
    private static void markAsSurety(Path path, int nodeId) throws IOException {
        requireWritable(path);
        Properties meta = readProperties(path.resolve(META_FILE));
        // A damaged file is reported as it is, never rewritten.
        identityOf(path, meta, nodeId);
        meta.setProperty(STORAGE_VERSION_KEY, Integer.toString(STORAGE_VERSION));
        meta.putIfAbsent(DIRECTORY_ID_KEY, Uuid.randomUuid().toString());
        writeMeta(path, meta);
    }

    private static void writeMeta(Path path, Properties meta) throws IOException {
        StringWriter out = new StringWriter();
        meta.store(out, "Surety data directory: identity and storage format");
        try {
            // The data directory's own fsync ledger does not exist yet; this write is fsynced all the same.
            SegmentFiles.writeDurably(path.resolve(META_FILE),
                    ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)), FsyncLedger.NONE);
        } catch (FileSystemException e) {
            throw new StartRefusedException("Could not write " + path.resolve(META_FILE) + ": " + reason(e), e);
        }
    }

    private static void requireWritable(Path path) throws StartRefusedException {
        if (!Files.isWritable(path) || !Files.isExecutable(path)) {
            throw new StartRefusedException("The data directory " + path + " is not writable by user "
                    + System.getProperty("user.name") + "; fix its permissions or set log.dirs to a directory "
                    + "this user can write");
        }
    }

    private static FileChannel lock(Path path) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            throw new StartRefusedException("Could not create the lock file in the data directory " + path + ": "
                    + reason(e), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new StartRefusedException("A broker is running on " + path + " (it holds " + LOCK_FILE
                    + "); stop it first, or set log.dirs to another directory");
        }
        return channel;
    }

    /** Reads the identity, after the lock: the file another starting broker may have raced to write is settled now. */
    private static ClusterIdentity readIdentity(Path path, int nodeId) throws IOException {
        Path file = path.resolve(META_FILE);
        Properties meta = readProperties(file);
        String version = meta.getProperty(STORAGE_VERSION_KEY);
        if (!Integer.toString(STORAGE_VERSION).equals(version)) {
            throw new StartRefusedException(file + " has " + STORAGE_VERSION_KEY + "=" + version + " but this Surety "
                    + "reads storage version " + STORAGE_VERSION + " only; run the Surety release that wrote it");
        }
        return identityOf(path, meta, nodeId);
    }

    private static ClusterIdentity identityOf(Path path, Properties meta, int nodeId) throws StartRefusedException {
        Path file = path.resolve(META_FILE);
        String clusterId = meta.getProperty("cluster.id");
        if (clusterId == null || clusterId.isBlank()) {
            throw damaged(file, "it has no cluster.id");
        }
        String storedNode = meta.getProperty("node.id");
        if (storedNode == null) {
            throw damaged(file, "it has no node.id");
        }
        int stored;
        try {
            stored = Integer.parseInt(storedNode.trim());
        } catch (NumberFormatException e) {
            throw damaged(file, "node.id '" + storedNode + "' is not a number");
        }
        if (stored != nodeId) {
            throw new StartRefusedException("The data directory " + path + " belongs to node.id " + stored
                    + " but this broker is node.id " + nodeId + "; set node.id=" + stored + " or use another directory");
        }
        String directoryId = meta.getProperty(DIRECTORY_ID_KEY);
        Optional<Uuid> parsedDirectoryId;
        try {
            parsedDirectoryId = directoryId == null ? Optional.empty() : Optional.of(Uuid.fromString(directoryId.trim()));
        } catch (IllegalArgumentException e) {
            throw damaged(file, "directory.id '" + directoryId + "' is not a base64 UUID");
        }
        return new ClusterIdentity(clusterId.trim(), stored, parsedDirectoryId,
                Boolean.parseBoolean(meta.getProperty(REPLACEMENT_KEY, "false").trim()));
    }

    private static StartRefusedException damaged(Path file, String what) {
        return new StartRefusedException(file + " is damaged: " + what + "; restore it from a backup (the "
                + "cluster.id clients saw and this node's node.id)");
    }

    private static Properties readProperties(Path file) throws IOException {
        Properties props = new Properties();
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            props.load(new StringReader(text));
        } catch (CharacterCodingException e) {
            throw damaged(file, "it is not text (it holds bytes that are not UTF-8)");
        } catch (IllegalArgumentException e) {
            throw damaged(file, "it is not a properties file (" + e.getMessage() + ")");
        } catch (FileSystemException e) {
            throw new StartRefusedException("Could not read " + file + ": " + reason(e), e);
        }
        return props;
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return new ArrayList<>(list.map(p -> p.getFileName().toString()).toList());
        } catch (AccessDeniedException e) {
            throw new StartRefusedException("Could not read the data directory " + dir + ": permission denied; fix its "
                    + "permissions or set log.dirs to a directory this user can read and write", e);
        }
    }

    private static String reason(FileSystemException e) {
        String why = e.getReason();
        if (why != null) {
            return why.toLowerCase(java.util.Locale.ROOT);
        }
        return e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
    }

    /**
     * The entries of the data directory that are neither this class's files nor named in
     * {@code known} (what the rest of the broker keeps here: partition directories of known topics,
     * the topic metadata, the coordinator journal, ...), sorted by name. A temp file of a known file
     * (a crash during an atomic replace leaves one) is known too. Such entries are never deleted;
     * the broker reports them.
     */
    public Set<String> unknownEntries(Set<String> known) throws IOException {
        Set<String> unknown = new TreeSet<>();
        for (String name : entries(path)) {
            String base = name.endsWith(TEMP_SUFFIX) ? name.substring(0, name.length() - TEMP_SUFFIX.length()) : name;
            if (!OWN_ENTRIES.contains(name) && !known.contains(name) && !known.contains(base)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    public Path path() {
        return path;
    }

    public ClusterIdentity identity() {
        return identity;
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        lockChannel.close();
    }
}
