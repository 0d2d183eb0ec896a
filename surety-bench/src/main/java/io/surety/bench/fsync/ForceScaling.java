package io.surety.bench.fsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * How the cost of making K files durable grows with K, on the disk holding {@code dir}: the
 * question behind group commit under {@code flush.policy=fsync}, where one round makes every
 * partition with waiting appends durable.
 *
 * <p>Each round appends one chunk (16 KiB by default) to each of K files with
 * {@link FileChannel#write(ByteBuffer)}, then makes all K durable by one of:
 * <ul>
 *   <li>{@code sequential}: {@code force(false)} on each file in turn, on one thread (the flusher
 *       as it is);</li>
 *   <li>{@code pool-T}: the K forces spread over T threads, each file forced by one thread (parallel
 *       forcing); only for T &lt; K, since more threads than files cannot help;</li>
 *   <li>{@code shared}: the K chunks written to one shared file, forced once (a write-ahead journal's
 *       cost: one fsync per round whatever K, the partition files then flushed lazily).</li>
 * </ul>
 * {@code force(false)} is what {@code LogSegment.flush} uses. Files grow as the broker's segments do,
 * so each fsync also commits the new file size. Every measurement starts from fresh files, runs one
 * warm-up round, then rounds until its time is up (at least one round). Repetitions are interleaved
 * (every variant once, then every variant again) so that drift of a shared machine spreads over all
 * variants; the report gives the median and the min–max of rounds/s and MB/s made durable.
 * Everything written is deleted at the end.
 *
 * <p>Threading: one measuring thread; the {@code pool-T} variants use a pool created for them.
 */
@Command(name = "force-scaling", mixinStandardHelpOptions = true,
        description = "Measure how making K files durable scales: sequential, parallel and shared-file forcing.")
public final class ForceScaling implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", defaultValue = "surety-bench/target/force-scaling",
            description = "Directory on the disk to measure (created, and emptied at the end).")
    private Path dir;

    @Option(names = "--files", split = ",", defaultValue = "1,3,10,100,1000", description = "Values of K.")
    private int[] fileCounts;

    @Option(names = "--threads", split = ",", defaultValue = "2,4,8,16,32", description = "Pool sizes T.")
    private int[] poolSizes;

    @Option(names = "--chunk-bytes", defaultValue = "16384", description = "Bytes appended to each file per round.")
    private int chunkBytes;

    @Option(names = "--seconds", defaultValue = "3", description = "Time bound of one measurement.")
    private double seconds;

    @Option(names = "--repetitions", defaultValue = "3", description = "Interleaved repetitions of every variant.")
    private int repetitions;

    private record Variant(int files, String name, int threads) {
        String label() {
            return "K=" + files + " " + name;
        }
    }

    private record Sample(long rounds, long nanos, long bytes) {
        double roundsPerSecond() {
            return rounds * 1e9 / nanos;
        }

        double megabytesPerSecond() {
            return bytes * 1e9 / nanos / (1024 * 1024);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ForceScaling()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dir);
        List<Variant> variants = variants();
        Map<Variant, List<Sample>> samples = new LinkedHashMap<>();
        ByteBuffer chunk = randomChunk();
        System.out.printf("force-scaling: dir=%s chunk=%d B, %.1f s per measurement, %d repetitions, %d processors%n",
                dir.toAbsolutePath(), chunkBytes, seconds, repetitions, Runtime.getRuntime().availableProcessors());
        try {
            for (int repetition = 1; repetition <= repetitions; repetition++) {
                for (Variant variant : variants) {
                    Sample sample = measure(variant, chunk);
                    samples.computeIfAbsent(variant, v -> new ArrayList<>()).add(sample);
                    System.out.printf("  rep %d %-18s %9.1f rounds/s %8.1f MB/s (%d rounds)%n", repetition,
                            variant.label(), sample.roundsPerSecond(), sample.megabytesPerSecond(), sample.rounds());
                }
            }
        } finally {
            deleteTree(dir);
        }
        System.out.println();
        System.out.println("| K | variant | rounds/s median (min–max) | MB/s durable median (min–max) |");
        System.out.println("|---:|---|---:|---:|");
        for (Map.Entry<Variant, List<Sample>> entry : samples.entrySet()) {
            Variant variant = entry.getKey();
            double[] rounds = entry.getValue().stream().mapToDouble(Sample::roundsPerSecond).sorted().toArray();
            double[] megabytes = entry.getValue().stream().mapToDouble(Sample::megabytesPerSecond).sorted().toArray();
            System.out.printf("| %d | %s | %s | %s |%n", variant.files(), variant.name(), summary(rounds), summary(megabytes));
        }
        return 0;
    }

    private List<Variant> variants() {
        List<Variant> variants = new ArrayList<>();
        for (int files : fileCounts) {
            variants.add(new Variant(files, "sequential", 1));
            for (int threads : poolSizes) {
                if (threads < files) {
                    variants.add(new Variant(files, "pool-" + threads, threads));
                }
            }
            variants.add(new Variant(files, "shared", 1));
        }
        return variants;
    }

    private Sample measure(Variant variant, ByteBuffer chunk) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("k" + variant.files() + "-" + variant.name()));
        boolean shared = variant.name().equals("shared");
        List<FileChannel> channels = new ArrayList<>();
        ExecutorService pool = variant.threads() > 1 ? Executors.newFixedThreadPool(variant.threads()) : null;
        try {
            for (int i = 0; i < (shared ? 1 : variant.files()); i++) {
                channels.add(FileChannel.open(runDir.resolve("f" + i + ".dat"), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE));
            }
            round(variant, channels, chunk, pool);
            long rounds = 0;
            long startNs = System.nanoTime();
            long deadlineNs = startNs + (long) (seconds * 1e9);
            long nowNs;
            do {
                round(variant, channels, chunk, pool);
                rounds++;
                nowNs = System.nanoTime();
            } while (nowNs < deadlineNs);
            return new Sample(rounds, nowNs - startNs, rounds * variant.files() * (long) chunkBytes);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            for (FileChannel channel : channels) {
                channel.close();
            }
            deleteTree(runDir);
        }
    }

    /** One round: a chunk per file (all into the one file when shared), then every file durable. */
    private void round(Variant variant, List<FileChannel> channels, ByteBuffer chunk, ExecutorService pool)
            throws IOException, InterruptedException, ExecutionException {
        for (int i = 0; i < variant.files(); i++) {
            ByteBuffer bytes = chunk.duplicate();
            FileChannel channel = channels.get(channels.size() == 1 ? 0 : i);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
        if (pool == null) {
            for (FileChannel channel : channels) {
                channel.force(false);
            }
            return;
        }
        List<Future<?>> forces = new ArrayList<>(channels.size());
        for (FileChannel channel : channels) {
            forces.add(pool.submit(() -> {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        for (Future<?> force : forces) {
            force.get();
        }
    }

    private ByteBuffer randomChunk() {
        byte[] bytes = new byte[chunkBytes];
        new Random(42).nextBytes(bytes);
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    private static String summary(double[] sorted) {
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return String.format("%.1f (%.1f–%.1f)", median, sorted[0], sorted[sorted.length - 1]);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
