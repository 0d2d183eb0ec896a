package io.surety.check.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The live progress display of a run: a bar of elapsed against planned time, the records each
 * guarantee has acknowledged and delivered so far, and the faults in effect.
 *
 * <p>On a terminal the one line is redrawn in place ('\r') at every {@link #update}. Elsewhere
 * (CI logs, a file) a plain line is printed at most every {@code plainIntervalMs} of run time, and
 * whenever the phase or the active faults change, so logs stay readable and still show every fault.
 *
 * <p>Not thread-safe: one thread (the runner's ticker) calls {@link #update} and {@link #finish}.
 */
public final class ProgressLine {

    /** Default spacing of plain lines, in run time. */
    public static final long PLAIN_INTERVAL_MS = 5_000;

    private static final int BAR_WIDTH = 20;

    private final PrintStream out;
    private final boolean terminal;
    private final long plainIntervalMs;

    private long lastPrintedMs = Long.MIN_VALUE;
    private String lastState;
    private int lastLength;
    private boolean lineOpen;

    /**
     * @param terminal        redraw one line in place; false prints plain lines
     * @param plainIntervalMs least run time between two plain lines
     */
    public ProgressLine(PrintStream out, boolean terminal, long plainIntervalMs) {
        this.out = out;
        this.terminal = terminal;
        this.plainIntervalMs = plainIntervalMs;
    }

    /**
     * Writes to {@code out} (typically {@code System.out} or {@code System.err}): redrawn in place
     * when the process has a terminal ({@code System.console() != null}) and {@code out} is one of
     * its standard streams, plain lines every 5 s otherwise.
     */
    public static ProgressLine on(PrintStream out) {
        boolean terminal = System.console() != null && (out == System.out || out == System.err);
        return new ProgressLine(out, terminal, PLAIN_INTERVAL_MS);
    }

    public void update(Progress progress) {
        String line = render(progress);
        if (terminal) {
            int padding = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(padding));
            out.flush();
            lastLength = line.length();
            lineOpen = true;
            return;
        }
        String state = progress.phase() + "|" + progress.activeFaults();
        boolean due = lastPrintedMs == Long.MIN_VALUE || progress.elapsedMs() - lastPrintedMs >= plainIntervalMs;
        if (due || !state.equals(lastState)) {
            out.println(line);
            out.flush();
            lastPrintedMs = progress.elapsedMs();
            lastState = state;
        }
    }

    /** Ends the redrawn line so what is printed next starts on a line of its own. */
    public void finish() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
            lastLength = 0;
        }
    }

    /**
     * One line, e.g.
     * {@code [########............]  23/60 s  running | acked/delivered at-most-once 1200/1190, ... | faults: broker kill -9}.
     */
    static String render(Progress p) {
        StringBuilder line = new StringBuilder();
        long elapsedS = p.elapsedMs() / 1000;
        if (p.plannedMs() > 0) {
            double fraction = Math.min(1.0, Math.max(0.0, (double) p.elapsedMs() / p.plannedMs()));
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d/%d s", elapsedS, (p.plannedMs() + 999) / 1000));
        } else {
            line.append(String.format(Locale.ROOT, "%3d s", elapsedS));
        }
        if (p.phase() != null && !p.phase().isBlank()) {
            line.append("  ").append(p.phase());
        }
        Map<String, Progress.Counts> counts = p.guarantees();
        if (!counts.isEmpty()) {
            line.append(" | acked/delivered ");
            boolean first = true;
            for (String guarantee : Guarantees.order(counts.keySet())) {
                Progress.Counts c = counts.get(guarantee);
                line.append(first ? "" : ", ").append(guarantee).append(' ')
                        .append(c.acknowledged()).append('/').append(c.delivered());
                first = false;
            }
        }
        line.append(" | faults: ").append(p.activeFaults().isEmpty() ? "none" : String.join(", ", p.activeFaults()));
        return line.toString();
    }
}
