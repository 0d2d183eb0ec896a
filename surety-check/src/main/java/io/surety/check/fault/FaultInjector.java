package io.surety.check.fault;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link FaultSchedule} on its own thread, one fault after another, writing FAULT_START
 * and FAULT_END around each (a consumer crash writes its own CRASH event when the loop reaches the
 * point). What became of every fault is in the history:
 * <ul>
 *   <li>one that cannot act on this target (a broker crash without a way to crash the broker) is a
 *       FAULT_SKIPPED with the reason, at the time it was due;</li>
 *   <li>one whose injection throws is a FAULT_FAILED with the reason, before its FAULT_END;</li>
 *   <li>if that fault {@linkplain Fault#endsRunOnFailure() ends the run on failure} (a broker not
 *       brought back), the schedule stops: every fault still due is a FAULT_SKIPPED, and only then
 *       does {@link #runEndingFailure()} say why, so the run ends with every event written;</li>
 *   <li>faults still due when the schedule is {@linkplain #stop() stopped} are FAULT_SKIPPED.</li>
 * </ul>
 *
 * <p>Thread-safety: {@link #start()} and {@link #stop()} are called by the run's thread; the
 * accessors may be called from any thread.
 *
 * <p>Implementation notes: {@link #stop()} interrupts the schedule's thread only while it sleeps or
 * injects an interruptible fault, and a fault is begun only if the schedule is not stopping, both
 * under the same lock, so an interrupt never lands in a broker restart. A fault interrupted
 * half-way may swallow the interrupt; {@link #stopping}, not the flag, is what stops the loop. The
 * history writer does not mind an interrupted thread.
 */
public final class FaultInjector {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);
    private static final String ACTOR = "faults";

    private final FaultSchedule schedule;
    private final FaultTargets targets;
    private final HistoryWriter history;
    private final List<String> failed = new ArrayList<>(); // guarded by this
    private final Thread thread;
    private volatile String active;
    private Fault current; // guarded by this: the fault being injected, null between faults
    private boolean stopping; // guarded by this
    private volatile String runEndingFailure;
    private long startNs;

    public FaultInjector(FaultSchedule schedule, FaultTargets targets, HistoryWriter history) {
        this.schedule = schedule;
        this.targets = targets;
        this.history = history;
        this.thread = new Thread(this::play, "fault-injector");
        this.thread.setDaemon(true);
    }

    /** Starts the schedule; its offsets count from now. */
    public void start() {
        startNs = System.nanoTime();
        thread.start();
    }

    /** The fault in progress, or null. */
    public String active() {
        return active;
    }

    /** Faults that were tried and failed, each as "name: reason"; the run did not get what it asked for. */
    public synchronized List<String> failed() {
        return List.copyOf(failed);
    }

    /**
     * Why the run must end now — a fault failed that leaves nothing to measure against (the broker
     * killed and not brought back) — or empty. Once present, every fault of the schedule is in the
     * history.
     */
    public Optional<String> runEndingFailure() {
        return Optional.ofNullable(runEndingFailure);
    }

    /**
     * Stops before the next fault and waits for the schedule's thread (at most 90 s). A fault in
     * progress is cut short if it is {@linkplain Fault#interruptible() interruptible} (a window heals
     * at once), else it runs to its end (a broker restart); faults still due are recorded as skipped.
     */
    public void stop() throws InterruptedException {
        synchronized (this) {
            stopping = true;
            if (current == null || current.interruptible()) {
                thread.interrupt();
            }
        }
        if (thread.isAlive()) {
            thread.join(TimeUnit.SECONDS.toMillis(90));
        }
    }

    private void play() {
        List<FaultSchedule.Scheduled> due = schedule.faults();
        int next = 0;
        try {
            while (next < due.size() && !stopping()) {
                FaultSchedule.Scheduled scheduled = due.get(next);
                long waitNs = startNs + scheduled.at().toNanos() - System.nanoTime();
                if (waitNs > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                }
                if (!begin(scheduled.fault())) {
                    break;
                }
                next++;
                Optional<String> fatal;
                try {
                    fatal = inject(scheduled.fault());
                } finally {
                    synchronized (this) {
                        current = null;
                    }
                }
                if (fatal.isPresent()) {
                    skip(due.subList(next, due.size()), "the run ended after " + scheduled.fault().name() + " failed");
                    runEndingFailure = fatal.get();
                    return;
                }
            }
        } catch (InterruptedException e) {
            LOG.debug("fault schedule stopped");
        }
        skip(due.subList(next, due.size()), "the run ended before it was due");
    }

    private synchronized boolean stopping() {
        return stopping;
    }

    /** Makes {@code fault} the current one, unless the schedule is stopping. */
    private synchronized boolean begin(Fault fault) {
        if (stopping) {
            return false;
        }
        current = fault;
        return true;
    }

    private void skip(List<FaultSchedule.Scheduled> faults, String reason) {
        for (FaultSchedule.Scheduled scheduled : faults) {
            history.write(HistoryEvent.faultOutcome(EventType.FAULT_SKIPPED, scheduled.fault().name(), reason));
        }
    }

    /** Injects {@code fault}; returns why the run must end if it failed and ends the run, else empty. */
    private Optional<String> inject(Fault scheduled) throws InterruptedException {
        Optional<String> inapplicable = scheduled.inapplicable(targets);
        if (inapplicable.isPresent()) {
            LOG.info("skipping {}: {}", scheduled.name(), inapplicable.get());
            history.write(HistoryEvent.faultOutcome(EventType.FAULT_SKIPPED, scheduled.name(), inapplicable.get()));
            return Optional.empty();
        }
        Fault fault;
        try {
            fault = scheduled.aimed(targets);
        } catch (RuntimeException e) {
            String reason = "could not choose its target: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage());
            LOG.warn("could not inject {}: {}", scheduled.name(), reason, e);
            history.write(HistoryEvent.faultOutcome(EventType.FAULT_FAILED, scheduled.name(), reason));
            synchronized (this) {
                failed.add(scheduled.name() + ": " + reason);
            }
            return Optional.empty();
        }
        boolean window = !(fault instanceof Fault.ConsumerCrash);
        if (window) {
            active = fault.name();
            history.write(HistoryEvent.note(EventType.FAULT_START, null, ACTOR, fault.name()));
            LOG.info("injecting {}", fault.name());
        }
        try {
            fault.inject(targets);
            return Optional.empty();
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("could not inject {}: {}", fault.name(), reason, e);
            history.write(HistoryEvent.faultOutcome(EventType.FAULT_FAILED, fault.name(), reason));
            synchronized (this) {
                failed.add(fault.name() + ": " + reason);
            }
            return fault.endsRunOnFailure() ? Optional.of(fault.name() + " failed: " + reason) : Optional.empty();
        } finally {
            if (window) {
                history.write(HistoryEvent.note(EventType.FAULT_END, null, ACTOR, fault.name()));
                active = null;
                LOG.info("healed {}", fault.name());
            }
        }
    }
}
