package io.surety.check.report;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultCounts;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code index.html}: the run's report as one self-contained page that opens offline. ECharts is
 * inlined from its webjar and the data is embedded as JSON (the content of summary.json); the page
 * loads nothing from anywhere. Every text that comes from the run (target, note, fault names,
 * violations, fault reasons) is escaped. A fault that failed puts a banner under the header; the
 * faults table gives each fault's status (ran, failed, skipped) and why, under the faults counted
 * (injected, by kind, leader or controller kills, failed, skipped).
 *
 * <p>The page is the template {@code report.html} next to this class with its {@code {{name}}}
 * placeholders filled in.
 */
public final class HtmlReport {

    /** The name the report directory gives the file. */
    public static final String FILE_NAME = "index.html";

    /** Ids of the chart containers, on which ECharts draws its SVG. */
    public static final String THROUGHPUT_CHART_ID = "chart-throughput";
    public static final String ANOMALY_CHART_ID = "chart-anomalies";

    private static final String TEMPLATE = "report.html";
    private static final String ECHARTS_POM = "/META-INF/maven/org.webjars.npm/echarts/pom.properties";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z]+)}}");

    private record Column(String header, String title, ToLongFunction<GuaranteeResult> value, boolean anomaly) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("sent", "records a producer tried to send", GuaranteeResult::sent, false),
            new Column("acked", "records whose send was acknowledged (in a committed transaction, for exactly-once)",
                    GuaranteeResult::acknowledged, false),
            new Column("failed", "records whose send definitely failed or whose transaction aborted",
                    GuaranteeResult::failed, false),
            new Column("delivered", "records the application processed (exactly-once: found in the committed output)",
                    GuaranteeResult::delivered, false),
            new Column("lost", "acknowledged records never delivered", GuaranteeResult::lost, true),
            new Column("lost unacked", "sent, neither acknowledged nor failed, and never delivered (informational)",
                    GuaranteeResult::lostUnacknowledged, false),
            new Column("duplicated", "extra deliveries beyond the first of each record",
                    GuaranteeResult::duplicated, true),
            new Column("log duplicates", "records found at more than one offset of the input log",
                    GuaranteeResult::logDuplicates, true),
            new Column("reordered", "records read from a partition after a later record of the same producer",
                    GuaranteeResult::reordered, true),
            new Column("aborted reads", "records of failed sends or aborted transactions that a reader saw",
                    GuaranteeResult::abortedReads, true),
            new Column("phantoms", "records read that no producer sent", GuaranteeResult::phantoms, true),
            new Column("offsets skipped", "records a consumer jumped over without a rebalance in between",
                    GuaranteeResult::offsetsSkipped, true));

    private HtmlReport() {
    }

    /** Writes the page to {@code file}, replacing it if it exists. */
    public static Path write(CheckSummary summary, Path file) {
        try {
            Files.writeString(file, render(summary));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The page as text. */
    public static String render(CheckSummary summary) {
        Map<String, String> values = new HashMap<>();
        values.put("title", Html.escape("surety check: " + summary.target()));
        values.put("verdictClass", verdictClass(summary));
        values.put("verdict", verdictWord(summary));
        values.put("target", Html.escape(summary.target()));
        values.put("startedAt", Html.escape(summary.startedAt()));
        values.put("duration", Html.escape(Format.duration(summary.durationMs())));
        values.put("outcome", Html.escape(outcome(summary)));
        values.put("partial", partialBanner(summary));
        values.put("faultBanner", faultBanner(summary.faults()));
        String stalls = StallsText.of(summary);
        values.put("results", resultsTable(summary.results()) + (stalls.isEmpty() ? ""
                : "\n<p class=\"stalls\">" + Html.escape(StallsText.LABEL + stalls) + "</p>"));
        values.put("faults", faultList(summary.faults()));
        values.put("data", Html.scriptJson(SummaryJson.toJson(summary)));
        values.put("echarts", Echarts.SCRIPT);
        values.put("echartsVersion", Html.escape(Echarts.VERSION));
        return fill(resource(TEMPLATE), values);
    }

    /** Replaces each {{name}} of the template in one pass, so no inserted text is ever scanned for placeholders. */
    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 1_200_000);
        int last = 0;
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("report template has no value for {{" + m.group(1) + "}}");
            }
            out.append(template, last, m.start()).append(value);
            last = m.end();
        }
        return out.append(template, last, template.length()).toString();
    }

    private static String verdictWord(CheckSummary summary) {
        if (summary.passed()) {
            return "PASS";
        }
        boolean anyFailed = summary.results().stream().anyMatch(r -> !r.verdict().passed());
        return anyFailed ? "FAIL" : "INCOMPLETE";
    }

    private static String verdictClass(CheckSummary summary) {
        return verdictWord(summary).toLowerCase(Locale.ROOT);
    }

    private static String outcome(CheckSummary summary) {
        long failed = summary.results().stream().filter(r -> !r.verdict().passed()).count();
        int all = summary.results().size();
        if (failed > 0) {
            return failed + " of " + all + (all == 1 ? " guarantee" : " guarantees") + " broke "
                    + (failed == 1 ? "its" : "their") + " promise";
        }
        if (!summary.complete()) {
            return "no violation seen, but the run stopped early";
        }
        if (!summary.notRun().isEmpty()) {
            return "every guarantee run kept its promise, but " + String.join(" and ", summary.notRun().keySet())
                    + " was not run";
        }
        return all == 0 ? "no guarantee was checked" : "every guarantee kept its promise";
    }

    private static String partialBanner(CheckSummary summary) {
        StringBuilder notRun = new StringBuilder();
        summary.notRun().forEach((guarantee, why) -> notRun.append("<div class=\"partial\" role=\"alert\"><strong>")
                .append(Html.escape(guarantee)).append(" was not run.</strong> ").append(Html.escape(Format.sentence(why)))
                .append("</div>"));
        if (summary.complete()) {
            return notRun.toString();
        }
        String why = summary.note() == null || summary.note().isBlank() ? "The run stopped early."
                : Format.sentence(summary.note());
        return "<div class=\"partial\" role=\"alert\"><strong>Partial run.</strong> " + Html.escape(why)
                + " The counts below cover only what happened before it stopped, so a PASS here proves nothing.</div>"
                + notRun;
    }

    /** A banner naming every fault that failed, or "" if none did. */
    private static String faultBanner(List<FaultWindow> faults) {
        List<FaultWindow> failed = faults.stream().filter(f -> f.status() == FaultStatus.FAILED).toList();
        if (failed.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<div class=\"fault-failed\" role=\"alert\" id=\"fault-failed\"><strong>")
                .append(failed.size() == 1 ? "A fault failed." : failed.size() + " faults failed.")
                .append("</strong> The run did not get the faults it asked for, so it proves nothing about them:<ul>");
        for (FaultWindow f : failed) {
            b.append("<li>").append(Html.escape(f.name())).append(" at ").append(Format.at(f.startMs()))
                    .append(": ").append(Html.escape(f.reason())).append("</li>");
        }
        return b.append("</ul></div>").toString();
    }

    private static String resultsTable(List<GuaranteeResult> results) {
        if (results.isEmpty()) {
            return "<p class=\"empty\">No guarantee was checked.</p>";
        }
        StringBuilder t = new StringBuilder();
        t.append("<table class=\"results\">\n<thead><tr><th class=\"name\">guarantee</th>");
        for (Column c : COLUMNS) {
            t.append("<th title=\"").append(Html.escape(c.title())).append("\">")
                    .append(Html.escape(c.header())).append("</th>");
        }
        t.append("<th class=\"verdict\">verdict</th></tr></thead>\n<tbody>\n");
        for (GuaranteeResult r : results) {
            boolean passed = r.verdict().passed();
            t.append("<tr class=\"").append(passed ? "pass" : "fail").append("\" data-guarantee=\"")
                    .append(Html.escape(r.guarantee())).append("\"><th class=\"name\" scope=\"row\">")
                    .append(Html.escape(r.guarantee()));
            if (r.promise() != null && !r.promise().isBlank()) {
                t.append("<span class=\"promise\">").append(Html.escape(r.promise())).append("</span>");
            }
            t.append("</th>");
            for (Column c : COLUMNS) {
                long v = c.value().applyAsLong(r);
                String cls = v == 0 ? "zero" : !c.anomaly() ? "" : passed ? "allowed" : "anomaly";
                t.append("<td").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append('>')
                        .append(String.format(Locale.ROOT, "%,d", v)).append("</td>");
            }
            t.append("<td class=\"verdict\"><span class=\"badge ").append(passed ? "pass" : "fail").append("\">")
                    .append(r.verdict().outcome().name()).append("</span></td></tr>\n");
            if (!passed) {
                t.append("<tr class=\"violations\"><td colspan=\"").append(COLUMNS.size() + 2).append("\"><ul>");
                for (String v : r.verdict().violations()) {
                    t.append("<li>").append(Html.escape(v)).append("</li>");
                }
                t.append("</ul></td></tr>\n");
            }
        }
        return t.append("</tbody>\n</table>").toString();
    }

    private static String faultList(List<FaultWindow> faults) {
        if (faults.isEmpty()) {
            return "<p class=\"empty\">No fault was injected.</p>";
        }
        StringBuilder t = new StringBuilder();
        FaultCounts counts = FaultCounts.of(faults);
        t.append("<p class=\"fault-counts\">").append(Html.escape(ConsoleReport.countLine(counts)));
        if (!counts.injectedByKind().isEmpty()) {
            t.append("; by kind: ").append(Html.escape(String.join(", ", counts.injectedByKind().entrySet().stream()
                    .map(kind -> kind.getKey() + " " + kind.getValue()).toList())));
        }
        t.append("</p>\n");
        t.append("<table class=\"faults\">\n<thead><tr><th>#</th><th>fault</th><th>start</th><th>end</th>"
                + "<th>kind</th><th>status</th></tr></thead>\n<tbody>\n");
        int n = 1;
        for (FaultWindow f : faults) {
            String end;
            String kind;
            if (f.status() == FaultStatus.SKIPPED) {
                end = "";
                kind = "not injected";
            } else if (f.endMs() < 0) {
                end = "never healed";
                kind = "window, still in effect at the end";
            } else if (f.endMs() == f.startMs()) {
                end = "";
                kind = "instantaneous (crash)";
            } else {
                end = Format.at(f.endMs());
                kind = "window of " + Format.duration(f.endMs() - f.startMs());
            }
            String status = f.status().label();
            t.append("<tr class=\"fault-").append(status).append("\"><td>").append(n++)
                    .append("</td><td class=\"fault-name\">").append(Html.escape(f.name()))
                    .append("</td><td>").append(Format.at(f.startMs())).append("</td><td>").append(Html.escape(end))
                    .append("</td><td>").append(Html.escape(kind)).append("</td><td class=\"fault-status\">")
                    .append(status).append(f.reason() == null ? "" : ": " + Html.escape(f.reason()))
                    .append("</td></tr>\n");
        }
        return t.append("</tbody>\n</table>").toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + HtmlReport.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }

    /** ECharts from its webjar, read once. */
    private static final class Echarts {
        static final String VERSION;
        static final String SCRIPT;

        static {
            Properties pom = new Properties();
            try (InputStream in = HtmlReport.class.getResourceAsStream(ECHARTS_POM)) {
                if (in == null) {
                    throw new IllegalStateException("the echarts webjar is not on the classpath (" + ECHARTS_POM + ")");
                }
                pom.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + ECHARTS_POM, e);
            }
            VERSION = pom.getProperty("version");
            String script = resource("/META-INF/resources/webjars/echarts/" + VERSION + "/dist/echarts.min.js");
            if (script.toLowerCase(Locale.ROOT).contains("</script")) {
                throw new IllegalStateException("echarts.min.js contains </script and cannot be inlined");
            }
            SCRIPT = script;
        }
    }
}
