package io.surety.broker.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a cleaned segment replaces the group of segments it was made from, so that a crash at any
 * moment leaves either the old group or the new segment, never a mix. Stateless.
 *
 * <pre>
 *  step                                         a crash here leaves, after the next start
 *  1 write and fsync {@code <base>.cleaned}          the old group ({@code .cleaned} is deleted)
 *  2 rename it to {@code <base>.<end>.swap}, fsync   the new segment: the rename is the commit point
 *    the directory
 *  3 delete each old {@code .log} of [base, end),      the new segment (recovery finishes 3 and 4)
 *    fsync the directory
 *  4 rename the swap file to {@code <base>.log},       the new segment
 *    fsync the directory
 * </pre>
 *
 * The swap file's name carries the offset range it replaces ({@code end} is the base offset of
 * the segment after the group), because the cleaned segment may have lost its last offsets and so
 * cannot say by itself which old segments it covers.
 */
public final class SegmentSwap {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);
    static final String SUFFIX = ".swap";

    /** The steps of a swap, reported to a {@link Hook} as each one completes. */
    public enum Step {
        CLEANED_WRITTEN,
        SWAP_COMMITTED,
        OLD_SEGMENT_DELETED,
        INSTALLED
    }

    /** Told after each completed step; tests throw from it to crash a swap at that point. */
    @FunctionalInterface
    public interface Hook {
        Hook NONE = step -> { };

        void reached(Step step) throws IOException;
    }

    private SegmentSwap() {
    }

    static Path swapFile(Path dir, long baseOffset, long endOffset) {
        return dir.resolve(SegmentFiles.baseName(baseOffset) + "." + SegmentFiles.baseName(endOffset) + SUFFIX);
    }

    /**
     * A swap failed after its commit point: on disk the new segment has replaced (or will replace,
     * at the next start) the old group, but the log in memory still holds the old segments.
     */
    public static final class IncompleteSwapException extends IOException {
        private static final long serialVersionUID = 1L;

        IncompleteSwapException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Steps 2-4 for the group {@code oldBases} (ascending, the first equal to the cleaned base)
     * ending before {@code endOffset}. A failure after the commit point is an
     * {@link IncompleteSwapException}; one before it leaves the old group in place.
     */
    static void swap(Path dir, CleanedSegment cleaned, List<Long> oldBases, long endOffset, FsyncLedger ledger, Hook hook)
            throws IOException {
        Path swap = swapFile(dir, cleaned.baseOffset(), endOffset);
        // The bytes are fsynced already: the ledger knows the length under the new name before it exists.
        ledger.synced(swap, cleaned.sizeInBytes());
        Files.move(cleaned.file(), swap, StandardCopyOption.ATOMIC_MOVE);
        try {
            SegmentFiles.fsyncDirectory(dir);
            hook.reached(Step.SWAP_COMMITTED);
            for (long base : oldBases) {
                Files.deleteIfExists(SegmentFiles.logFile(dir, base));
                hook.reached(Step.OLD_SEGMENT_DELETED);
            }
            install(dir, swap, cleaned.baseOffset(), ledger);
            hook.reached(Step.INSTALLED);
        } catch (IOException | RuntimeException e) {
            throw new IncompleteSwapException("Swap of " + swap + " failed after its commit point", e);
        }
    }

    /** Step 4, after the old files of the group were unlinked: make the unlinks durable, then rename the swap file into place. */
    private static void install(Path dir, Path swap, long baseOffset, FsyncLedger ledger) throws IOException {
        SegmentFiles.fsyncDirectory(dir);
        Path target = SegmentFiles.logFile(dir, baseOffset);
        long size = Files.size(swap);
        ledger.synced(target, size);
        Files.move(swap, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.fsyncDirectory(dir);
    }

    /**
     * At start, before segments are listed: deletes {@code .cleaned} files (swaps that never
     * committed) and finishes every committed swap (steps 3 and 4). Returns how many swaps it finished.
     */
    static int recover(Path dir, FsyncLedger ledger) throws IOException {
        List<Path> cleaned = new ArrayList<>();
        List<Path> swaps = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(CleanedSegment.SUFFIX)) {
                    cleaned.add(file);
                } else if (name.endsWith(SUFFIX)) {
                    swaps.add(file);
                }
            }
        }
        for (Path file : cleaned) {
            LOG.info("Deleting {}: a cleaning was interrupted before its swap", file);
            Files.delete(file);
        }
        swaps.sort(null);
        for (Path swap : swaps) {
            String name = swap.getFileName().toString();
            String[] parts = name.substring(0, name.length() - SUFFIX.length()).split("\\.");
            if (parts.length != 2 || parts[0].length() != 20 || parts[1].length() != 20) {
                throw new IOException("Unrecognised swap file " + swap);
            }
            long base = Long.parseLong(parts[0]);
            long end = Long.parseLong(parts[1]);
            for (long old : segmentBasesIn(dir, base, end)) {
                Files.delete(SegmentFiles.logFile(dir, old));
            }
            install(dir, swap, base, ledger);
            LOG.info("Finished the interrupted swap of cleaned segment {} (offsets {} to {})", swap, base, end);
        }
        return swaps.size();
    }

    private static List<Long> segmentBasesIn(Path dir, long from, long to) throws IOException {
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(SegmentFiles.LOG_SUFFIX) && name.length() == 20 + SegmentFiles.LOG_SUFFIX.length()) {
                    long base = Long.parseLong(name.substring(0, 20));
                    if (base >= from && base < to) {
                        bases.add(base);
                    }
                }
            }
        }
        return bases;
    }
}
