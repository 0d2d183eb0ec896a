package io.surety.check.fault;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link FaultSchedule} on its own thread, one fault after another, writing
 * FAULT_START and FAULT_END around each (a consumer crash writes its own CRASH event when the
 * loop reaches the point). A fault that cannot act on this target (a broker crash without a way
 * to crash the broker) is skipped and listed in {@link #skipped()}.
 */
public final class FaultInjector {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

    private final FaultSchedule schedule;
    private final FaultTargets targets;
    private final HistoryWriter history;
    private final List<String> skipped = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final Thread thread;
    private volatile String active;
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

    /** Waits for the schedule to finish (faults already started run to their end). */
    public void awaitEnd(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
    }

    public synchronized List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** Faults that could not be injected, with why; the run's counts are then partial. */
    public synchronized List<String> failed() {
        return List.copyOf(failed);
    }

    /** Stops before the next fault; one in progress ends as scheduled. */
    public void stop() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(90));
    }

    private void play() {
        try {
            for (FaultSchedule.Scheduled scheduled : schedule.faults()) {
                long waitNs = startNs + scheduled.at().toNanos() - System.nanoTime();
                if (waitNs > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                }
                inject(scheduled.fault());
            }
        } catch (InterruptedException e) {
            LOG.debug("fault schedule stopped");
        }
    }

    private void inject(Fault fault) throws InterruptedException {
        if (!fault.applicable(targets)) {
            synchronized (this) {
                skipped.add(fault.name());
            }
            return;
        }
        if (fault instanceof Fault.ConsumerCrash) {
            fault.inject(targets);
            return;
        }
        active = fault.name();
        history.write(HistoryEvent.note(EventType.FAULT_START, null, "faults", fault.name()));
        LOG.info("injecting {}", fault.name());
        try {
            fault.inject(targets);
        } catch (RuntimeException e) {
            LOG.warn("could not inject {}", fault.name(), e);
            synchronized (this) {
                failed.add(fault.name() + ": " + e.getMessage());
            }
        } finally {
            history.write(HistoryEvent.note(EventType.FAULT_END, null, "faults", fault.name()));
            active = null;
            LOG.info("healed {}", fault.name());
        }
    }
}
