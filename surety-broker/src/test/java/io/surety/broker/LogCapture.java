package io.surety.broker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Counts and keeps (a bounded number of) the log events of one logger and its children while
 * attached, optionally keeping them off the console. Thread-safe.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private static final int KEPT_PER_LEVEL = 200;

    private final Logger logger;
    private final boolean wasAdditive;
    private final AtomicInteger warnings = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final List<String> keptWarnings = new ArrayList<>();
    private final List<String> keptErrors = new ArrayList<>();
    private final List<String> keptOthers = new ArrayList<>();

    private LogCapture(Logger logger, boolean silence) {
        this.logger = logger;
        this.wasAdditive = logger.isAdditive();
        setContext(logger.getLoggerContext());
        setName("capture-" + logger.getName());
        start();
        logger.addAppender(this);
        if (silence) {
            logger.setAdditive(false);
        }
    }

    /** Captures {@code loggerName} (e.g. a package); with {@code silence} its events no longer reach the console. */
    public static LogCapture attach(String loggerName, boolean silence) {
        return new LogCapture((Logger) LoggerFactory.getLogger(loggerName), silence);
    }

    @Override
    protected void append(ILoggingEvent event) {
        String line = event.getLoggerName() + " [" + event.getThreadName() + "] " + event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getClassName() + ": "
                        + event.getThrowableProxy().getMessage());
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            errors.incrementAndGet();
            keep(keptErrors, line);
        } else if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            warnings.incrementAndGet();
            keep(keptWarnings, line);
        } else {
            keep(keptOthers, line);
        }
    }

    private static void keep(List<String> kept, String line) {
        synchronized (kept) {
            if (kept.size() < KEPT_PER_LEVEL) {
                kept.add(line);
            }
        }
    }

    public int warnings() {
        return warnings.get();
    }

    public int errors() {
        return errors.get();
    }

    public List<String> keptWarnings() {
        synchronized (keptWarnings) {
            return List.copyOf(keptWarnings);
        }
    }

    public List<String> keptErrors() {
        synchronized (keptErrors) {
            return List.copyOf(keptErrors);
        }
    }

    /** The first lines below WARN (INFO, DEBUG, ...), as far as the logger's level lets them through. */
    public List<String> keptOthers() {
        synchronized (keptOthers) {
            return List.copyOf(keptOthers);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setAdditive(wasAdditive);
        stop();
    }
}
