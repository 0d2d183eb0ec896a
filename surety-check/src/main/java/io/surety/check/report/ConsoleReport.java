package io.surety.check.report;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultCounts;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The end-of-run report as plain text: a line per fault that failed, the results table, the
 * violations in sentences, the faults with what became of each and where the report files are. Colours the verdicts only when asked to (on a terminal).
 */
public final class ConsoleReport {

    private static final String GREEN = "\u001b[32m";
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private record Column(String header, ToLongFunction<GuaranteeResult> value) {
    }

    private static final List<Column> COUNTS = List.of(
            new Column("sent", GuaranteeResult::sent),
            new Column("acked", GuaranteeResult::acknowledged),
            new Column("delivered", GuaranteeResult::delivered),
            new Column("lost", GuaranteeResult::lost),
            new Column("duplicated", GuaranteeResult::duplicated),
            new Column("reordered", GuaranteeResult::reordered));

    private static final String GAP = "  ";

    private ConsoleReport() {
    }

    /** Prints the report to {@code out}, in colour if {@code out} is the terminal's standard output. */
    public static void print(CheckSummary summary, ReportFiles files, PrintStream out) {
        boolean ansi = out == System.out && System.console() != null
                && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        out.print(render(summary, files, ansi));
        out.flush();
    }

    /**
     * The report as text, lines ending in '\n'.
     *
     * @param files where the report files are, or null to leave that part out
     * @param ansi  whether to colour verdicts with ANSI escapes
     */
    public static String render(CheckSummary summary, ReportFiles files, boolean ansi) {
        StringBuilder out = new StringBuilder();
        out.append("surety check: ").append(summary.target())
                .append(", started ").append(summary.startedAt())
                .append(", ran ").append(Format.duration(summary.durationMs())).append('\n');
        if (!summary.complete()) {
            out.append(paint(ansi, YELLOW, "PARTIAL RUN")).append(": ")
                    .append(Format.sentence(summary.note() == null || summary.note().isBlank()
                            ? "the run stopped early" : summary.note()))
                    .append(" The counts cover only what happened before it stopped.\n");
        }
        summary.notRun().forEach((guarantee, why) -> out.append(paint(ansi, YELLOW, "NOT RUN")).append(": ")
                .append(guarantee).append(": ").append(Format.sentence(why)).append('\n'));
        for (FaultWindow f : summary.faults()) {
            if (f.status() == FaultStatus.FAILED) {
                out.append(paint(ansi, RED, "FAULT FAILED")).append(": ").append(f.name()).append(' ')
                        .append(Format.window(f.startMs(), f.endMs())).append(": ").append(f.reason()).append('\n');
            }
        }
        out.append('\n');
        table(out, summary.results(), ansi);
        for (GuaranteeResult r : summary.results()) {
            if (r.guarantee().equals("acks=1")) {
                out.append("acks=1: ").append(r.promise()).append('\n');
            }
        }
        String stalls = StallsText.of(summary);
        if (!stalls.isEmpty()) {
            out.append(StallsText.LABEL).append(stalls).append('\n');
        }

        List<String> violations = new ArrayList<>();
        for (GuaranteeResult r : summary.results()) {
            r.verdict().violations().forEach(v -> violations.add(r.guarantee() + ": " + v));
        }
        out.append('\n');
        if (violations.isEmpty()) {
            out.append(summary.results().isEmpty() ? "No guarantee was checked.\n"
                    : summary.complete() && !summary.notRun().isEmpty() ? "No violations: every guarantee run kept its promise.\n"
                    : summary.complete() ? "No violations: every guarantee kept its promise.\n"
                    : "No violations seen before the run stopped.\n");
        } else {
            out.append("Violations\n");
            violations.forEach(v -> out.append("  ").append(v).append('\n'));
        }

        out.append('\n');
        faults(out, summary, ansi);

        out.append('\n').append(overall(summary, ansi)).append('\n');
        if (files != null) {
            out.append("Report: ").append(files.html()).append('\n')
                    .append("        ").append(files.json()).append('\n');
        }
        return out.toString();
    }

    private static void table(StringBuilder out, List<GuaranteeResult> results, boolean ansi) {
        int nameWidth = "guarantee".length();
        for (GuaranteeResult r : results) {
            nameWidth = Math.max(nameWidth, r.guarantee().length());
        }
        int[] widths = new int[COUNTS.size()];
        for (int c = 0; c < COUNTS.size(); c++) {
            widths[c] = COUNTS.get(c).header().length();
            for (GuaranteeResult r : results) {
                widths[c] = Math.max(widths[c], Long.toString(COUNTS.get(c).value().applyAsLong(r)).length());
            }
        }
        out.append(pad("guarantee", nameWidth, false));
        for (int c = 0; c < COUNTS.size(); c++) {
            out.append(GAP).append(pad(COUNTS.get(c).header(), widths[c], true));
        }
        out.append(GAP).append("verdict\n");
        for (GuaranteeResult r : results) {
            out.append(pad(r.guarantee(), nameWidth, false));
            for (int c = 0; c < COUNTS.size(); c++) {
                out.append(GAP).append(pad(Long.toString(COUNTS.get(c).value().applyAsLong(r)), widths[c], true));
            }
            String verdict = r.verdict().outcome().name();
            out.append(GAP).append(paint(ansi, r.verdict().passed() ? GREEN : RED, verdict)).append('\n');
        }
    }

    /** The faults in order, each with when it happened and, unless it ran, its status and why. */
    private static void faults(StringBuilder out, CheckSummary summary, boolean ansi) {
        if (summary.faults().isEmpty()) {
            out.append("Faults injected: none\n");
            return;
        }
        out.append("Faults injected\n");
        int width = summary.faults().stream().mapToInt(f -> String.valueOf(f.name()).length()).max().orElse(0);
        int whenWidth = summary.faults().stream().mapToInt(f -> Format.window(f.startMs(), f.endMs()).length())
                .max().orElse(0);
        for (FaultWindow f : summary.faults()) {
            out.append("  ").append(pad(String.valueOf(f.name()), width, false)).append(GAP);
            if (f.status() == FaultStatus.RAN) {
                out.append(Format.window(f.startMs(), f.endMs())).append('\n');
            } else {
                String status = f.status() == FaultStatus.FAILED ? paint(ansi, RED, "FAILED") : "skipped";
                out.append(pad(Format.window(f.startMs(), f.endMs()), whenWidth, false)).append(GAP).append(status).append(": ").append(f.reason())
                        .append('\n');
            }
        }
        FaultCounts counts = summary.faultCounts();
        if (!counts.injectedByKind().isEmpty()) {
            out.append("  by kind: ").append(String.join(", ", counts.injectedByKind().entrySet().stream()
                    .map(kind -> kind.getKey() + " " + count(kind.getValue())).toList())).append('\n');
        }
        out.append(countLine(counts)).append('\n');
    }

    /** E.g. "faults: 1,043 injected (312 leader or controller kills), 0 failed, 2 skipped". */
    static String countLine(FaultCounts counts) {
        return "faults: " + count(counts.injected()) + " injected (" + count(counts.leaderOrControllerKills())
                + " leader or controller kills), " + count(counts.failed()) + " failed, " + count(counts.skipped())
                + " skipped";
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String overall(CheckSummary summary, boolean ansi) {
        long failed = summary.results().stream().filter(r -> !r.verdict().passed()).count();
        if (failed > 0) {
            return paint(ansi, BOLD + RED, "FAIL") + ": " + failed + " of " + summary.results().size()
                    + (summary.results().size() == 1 ? " guarantee" : " guarantees") + " broke "
                    + (failed == 1 ? "its" : "their") + " promise"
                    + (summary.complete() ? "" : " (partial run)");
        }
        if (!summary.complete()) {
            return paint(ansi, BOLD + YELLOW, "INCOMPLETE")
                    + ": no violation seen, but the run stopped early, so it proves nothing";
        }
        if (!summary.notRun().isEmpty()) {
            return paint(ansi, BOLD + YELLOW, "INCOMPLETE") + ": every guarantee run kept its promise, but "
                    + String.join(" and ", summary.notRun().keySet()) + " was not run";
        }
        return paint(ansi, BOLD + GREEN, "PASS") + ": every guarantee kept its promise";
    }

    private static String paint(boolean ansi, String colour, String text) {
        return ansi ? colour + text + RESET : text;
    }

    static String pad(String text, int width, boolean right) {
        if (text.length() >= width) {
            return text;
        }
        String spaces = " ".repeat(width - text.length());
        return right ? spaces + text : text + spaces;
    }
}
