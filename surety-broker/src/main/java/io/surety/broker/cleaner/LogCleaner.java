package io.surety.broker.cleaner;

import io.surety.broker.config.CleanerConfig;
import io.surety.broker.log.Log;
import io.surety.broker.log.SegmentSwap;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the logs whose {@code cleanup.policy} contains {@code compact}, in the background.
 *
 * <p>Each step ({@link #cleanOnce}) picks the log that most needs it — among those whose dirty
 * ratio reached {@code min.cleanable.dirty.ratio}, whose oldest dirty record passed
 * {@code max.compaction.lag.ms}, or whose earliest delete horizon has come, the one with the
 * highest dirty ratio — and runs one {@link CleaningPass} over it. Cleaner threads loop over that
 * step and wait {@code log.cleaner.backoff.ms} when nothing needs cleaning.
 *
 * <p>Threading: {@link #start} runs {@code log.cleaner.threads} threads, each with its own key map;
 * a log is cleaned by one thread at a time (the choice and the in-progress set are under this
 * object's lock). A pass never takes a partition lock, so appends and fetches are not blocked; the
 * I/O of all threads together is throttled. A log whose pass fails unexpectedly is left alone
 * until restart, as Kafka marks a partition uncleanable, and the failure is logged.
 */
public final class LogCleaner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final CleanerConfig config;
    private final Supplier<Collection<? extends CompactionTarget>> targets;
    private final Clock clock;
    private final Throttler throttler;
    private final Set<Log> inProgress = new HashSet<>();
    private final Set<Log> uncleanable = new HashSet<>();
    private final Map<Log, Long> nextDeleteHorizon = new IdentityHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile SegmentSwap.Hook hook = SegmentSwap.Hook.NONE;
    private volatile boolean closed;
    private long passes;
    private long bytesRemoved;

    public LogCleaner(CleanerConfig config, Supplier<Collection<? extends CompactionTarget>> targets, Clock clock) {
        this.config = config;
        this.targets = targets;
        this.clock = clock;
        this.throttler = new Throttler(config.ioMaxBytesPerSecond());
    }

    /** Starts the cleaner threads. */
    public void start() {
        for (int i = 0; i < config.threads(); i++) {
            Thread thread = new Thread(this::runThread, "surety-log-cleaner-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        LOG.info("Log cleaner started: {} thread(s), {} bytes of key map each", config.threads(), config.mapBytesPerThread());
    }

    private void runThread() {
        KeyOffsetMap map = null;
        while (!closed) {
            CleaningReport report = null;
            try {
                if (map == null && anyCompacted()) {
                    map = new KeyOffsetMap(config.mapBytesPerThread(), config.loadFactor());
                }
                report = map == null ? null : cleanOnce(map);
            } catch (RuntimeException e) {
                LOG.error("Log cleaner step failed", e);
            } catch (Error e) {
                LOG.error("Log cleaner thread {} stops: {}; compaction goes on only in the other cleaner threads, "
                        + "if any, until restart", Thread.currentThread().getName(), e, e);
                throw e;
            }
            if (report == null) {
                waitForWork();
            }
        }
    }

    private boolean anyCompacted() {
        return targets.get().stream().anyMatch(t -> t.log().config().compact());
    }

    private synchronized void waitForWork() {
        if (closed) {
            return;
        }
        try {
            TimeUnit.MILLISECONDS.timedWait(this, Math.max(1, config.backoffMs()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Wakes waiting cleaner threads (a log was created or its config changed). */
    public synchronized void wake() {
        notifyAll();
    }

    /**
     * One step: cleans the log that most needs it, with {@code map}. Returns what the pass did, or
     * null when no log needs cleaning.
     */
    CleaningReport cleanOnce(KeyOffsetMap map) {
        long nowMs = clock.millis();
        Choice choice = choose(nowMs);
        if (choice == null) {
            return null;
        }
        Log log = choice.target().log();
        try {
            CleaningReport report = new CleaningPass(choice.target(), map, throttler, nowMs, hook).run(choice.section());
            record(choice, report);
            return report;
        } catch (Throttler.CleanerStoppedException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.error("Cleaning {} failed; it is not cleaned again until restart, which repairs any interrupted swap",
                    choice.target().name(), e);
            synchronized (this) {
                uncleanable.add(log);
            }
            return new CleaningReport(choice.section().firstDirty(), choice.section().firstDirty(), List.of(), 0, 0, 0,
                    Long.MAX_VALUE, false);
        } finally {
            synchronized (this) {
                inProgress.remove(log);
            }
        }
    }

    private void record(Choice choice, CleaningReport report) {
        synchronized (this) {
            passes++;
            bytesRemoved += report.bytesBefore() - report.bytesAfter();
            nextDeleteHorizon.put(choice.target().log(), report.nextDeleteHorizonMs());
        }
        LOG.info("Cleaned {}: offsets up to {} deduplicated ({} keys), {} segment group(s) rewritten, {} -> {} bytes "
                + "(dirty ratio was {})", choice.target().name(), report.cleanedUpTo(), report.keys(),
                report.groups().size(), report.bytesBefore(), report.bytesAfter(),
                String.format(java.util.Locale.ROOT, "%.2f", choice.section().dirtyRatio()));
    }

    private record Choice(CompactionTarget target, CleanableSection section) {
    }

    private synchronized Choice choose(long nowMs) {
        Choice best = null;
        Set<Log> present = new HashSet<>();
        for (CompactionTarget target : targets.get()) {
            Log log = target.log();
            present.add(log);
            if (!log.config().compact() || inProgress.contains(log) || uncleanable.contains(log)) {
                continue;
            }
            CleanableSection section;
            try {
                section = CleanableSection.of(target, nowMs);
            } catch (IOException e) {
                LOG.warn("Could not measure how dirty {} is", target.name(), e);
                continue;
            }
            if (section == null) {
                continue;
            }
            boolean dirtyEnough = section.dirtyBytes() > 0 && section.dirtyRatio() >= log.config().minCleanableDirtyRatio();
            boolean horizonDue = nowMs >= nextDeleteHorizon.getOrDefault(log, Long.MAX_VALUE);
            if (!(dirtyEnough || section.lagExceeded() || horizonDue)) {
                continue;
            }
            if (best == null || section.dirtyRatio() > best.section().dirtyRatio()) {
                best = new Choice(target, section);
            }
        }
        uncleanable.retainAll(present);
        nextDeleteHorizon.keySet().retainAll(present);
        if (best != null) {
            inProgress.add(best.target().log());
            nextDeleteHorizon.remove(best.target().log());
        }
        return best;
    }

    /** Passes run, bytes removed and partitions given up on so far (metrics, tests). */
    public synchronized Map<String, Long> stats() {
        Map<String, Long> out = new HashMap<>();
        out.put("passes", passes);
        out.put("bytesRemoved", bytesRemoved);
        out.put("uncleanable", (long) uncleanable.size());
        return out;
    }

    /** Called after each step of every segment swap; tests crash swaps with it. */
    void swapHook(SegmentSwap.Hook newHook) {
        this.hook = newHook;
    }

    /** Stops the threads: a pass under way gives up at its next batch (a swap in progress completes first). */
    @Override
    public void close() {
        closed = true;
        throttler.stop();
        wake();
        for (Thread thread : threads) {
            // Never interrupt: an interrupt during file I/O would close segment channels readers share.
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
