package io.surety.check.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import io.surety.check.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    private static final String EVIL = "<script>alert('x')</script>&\"";

    @TempDir
    Path dir;

    @Test
    void pageLoadsNothingFromAnywhere() {
        String html = HtmlReport.render(Summaries.realistic());

        // The markup, with the bodies of the inline scripts taken out (echarts.min.js holds URLs and
        // markup in strings and comments that load nothing), has no element or attribute that fetches.
        String markup = html.replaceAll("(?s)(<script[^>]*>).*?</script>", "$1</script>");
        assertThat(markup).hasSizeLessThan(100_000);
        assertThat(markup).doesNotContainPattern("(?i)<script[^>]*\\ssrc\\s*=");
        assertThat(markup).doesNotContainPattern("(?i)<link\\b");
        assertThat(markup).doesNotContainPattern("(?i)<(img|iframe|frame|object|embed|source|audio|video|base)\\b");
        assertThat(markup).doesNotContainPattern("(?i)\\s(src|href|srcset|action|poster|data)\\s*=");
        assertThat(markup).doesNotContainPattern("(?i)https?:|//[a-z0-9]");
        assertThat(markup).doesNotContainPattern("(?i)@import|url\\(");
        // the one script that is not data or ECharts is the page's own, which loads nothing either
        String own = html.substring(html.lastIndexOf("<script>"));
        assertThat(own).doesNotContainPattern("(?i)fetch\\(|XMLHttpRequest|import\\(|https?:|\\.src\\s*=");
        // ECharts is inlined, and the data embedded
        assertThat(html).contains("echarts.init(", "renderer: 'svg'", "id=\"report-data\"");
        assertThat(html.length()).isGreaterThan(1_000_000);
        assertThat(html).doesNotContain("{{");
    }

    @Test
    void shouldCountTheFaultsAboveTheirTable() {
        CheckSummary summary = new CheckSummary("3-node Surety cluster", "2026-12-07T14:00:00Z", 300_000, true, null,
                List.of(Summaries.atLeastOnce()), List.of(
                        new FaultWindow("partition leader kill -9 on node 3 [when hit: leaders p0 3]", 1_000, 10_000),
                        new FaultWindow("controller kill -9 on node 1 [when hit: controller 1]", 12_000, 16_000),
                        new FaultWindow("network delay 300 ms for 3 s", 299_000, 299_000, FaultStatus.SKIPPED,
                                "the run ended before it was due")),
                null);

        assertThat(HtmlReport.render(summary)).contains("<p class=\"fault-counts\">faults: 2 injected (2 leader or "
                + "controller kills), 0 failed, 1 skipped; by kind: leader-crash 1, controller-crash 1</p>");
    }

    @Test
    void textFromTheRunIsEscaped() {
        GuaranteeResult amo = Summaries.atMostOnce();
        GuaranteeResult evilResult = new GuaranteeResult(amo.guarantee(), EVIL, amo.sent(), amo.acknowledged(),
                amo.failed(), amo.delivered(), amo.lost(), 0, 0, 0, 0, 0, 0, 0, Verdict.of(List.of(EVIL)));
        CheckSummary evil = new CheckSummary(EVIL, EVIL, 1_000, false, EVIL, List.of(evilResult),
                List.of(new FaultWindow(EVIL, 0, 500), new FaultWindow(EVIL, 600, 700, FaultStatus.FAILED, EVIL)),
                null);

        String html = withoutCode(HtmlReport.render(evil));

        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;";
        assertThat(html).contains("<title>surety check: " + escaped + "</title>");
        assertThat(html).contains("<dd id=\"target\">" + escaped + "</dd>");
        assertThat(html).contains("<li>" + escaped + "</li>");
        assertThat(html).contains("<td class=\"fault-name\">" + escaped + "</td>");
        assertThat(html).contains("<td class=\"fault-status\">failed: " + escaped + "</td>");
        assertThat(html).contains("<li>" + escaped + " at 0.6 s: " + escaped + "</li>");
        assertThat(html).doesNotContain("<script>alert");
        // in the embedded JSON the markup characters are \\u escapes, so the data cannot close its script element
        String data = between(html, "<script type=\"application/json\" id=\"report-data\">", "</script>");
        assertThat(data).contains("\\u003cscript\\u003ealert('x')\\u003c/script\\u003e\\u0026\\\"");
        assertThat(SummaryJson.parse(data)).isEqualTo(evil);
    }

    @Test
    void pageHasTheRunsFigures() {
        String html = withoutCode(HtmlReport.render(Summaries.realistic()));

        assertThat(html).contains("<span class=\"badge fail\" id=\"overall-verdict\">FAIL</span>");
        assertThat(html).contains("embedded Surety broker (127.0.0.1:19092)", "2025-03-14T10:15:30Z", "1 min 00 s",
                "1 of 3 guarantees broke its promise");
        for (String header : List.of("sent", "acked", "failed", "delivered", "lost", "lost unacked", "duplicated",
                "log duplicates", "reordered", "aborted reads", "phantoms", "offsets skipped", "verdict")) {
            assertThat(html).containsPattern(">" + header + "</th>");
        }
        assertThat(cells(html, "exactly-once")).containsExactly("41,500", "41,000", "500", "41,000", "0", "0",
                "112", "0", "3", "0", "0", "0", "FAIL");
        assertThat(cells(html, "at-most-once")).containsExactly("58,210", "58,190", "20", "58,153", "37", "3",
                "0", "0", "0", "0", "0", "0", "PASS");
        assertThat(html).contains("<li>" + Summaries.DUPLICATES + "</li>");
        assertThat(html).contains("<p class=\"stalls\">longest without an acknowledgement: at-most-once 7.6 s (from 8.4 s),");
        assertThat(html).contains("id=\"" + HtmlReport.THROUGHPUT_CHART_ID + "\"",
                "id=\"" + HtmlReport.ANOMALY_CHART_ID + "\"", "Throughput over time",
                "Lost and duplicated per guarantee");
        assertThat(html).doesNotContain("class=\"partial\"");
        assertThat(html).doesNotContain("class=\"fault-failed\"");
        assertThat(html).contains("<th>status</th>", "<tr class=\"fault-ran\"><td>2</td><td class=\"fault-name\">"
                + "kill -9 broker</td>", "<td class=\"fault-status\">ran</td>");
    }

    @Test
    void shouldShowABannerAndEachFaultsStatusWhenAFaultFailed() {
        String html = withoutCode(HtmlReport.render(Summaries.brokerRestartFailed()));

        assertThat(html).contains("<span class=\"badge incomplete\" id=\"overall-verdict\">INCOMPLETE</span>");
        assertThat(html).contains("<div class=\"partial\"");
        assertThat(html).containsPattern("<div class=\"fault-failed\" role=\"alert\" id=\"fault-failed\">"
                + "<strong>A fault failed.</strong>[^<]*<ul><li>broker kill -9 and restart at 12.0 s: "
                + Pattern.quote(Summaries.RESTART_FAILED) + "</li></ul></div>");
        assertThat(html).contains("<tr class=\"fault-failed\"><td>2</td>",
                "<td class=\"fault-status\">failed: " + Summaries.RESTART_FAILED + "</td>");
        assertThat(html).contains("<tr class=\"fault-skipped\"><td>3</td>", "not injected",
                "<td class=\"fault-status\">skipped: the run ended after broker kill -9 and restart failed</td>");
    }

    @Test
    void partialRunCarriesANote() {
        String html = withoutCode(HtmlReport.render(Summaries.partial()));

        assertThat(html).contains("<span class=\"badge incomplete\" id=\"overall-verdict\">INCOMPLETE</span>");
        assertThat(html).containsPattern("<div class=\"partial\"[^>]*><strong>Partial run.</strong> "
                + "interrupted by the user after 21 s\\. The counts below");
    }

    @Test
    void writerPutsBothFilesInTheDirectory() throws Exception {
        Path target = dir.resolve("nested").resolve("check-report");

        ReportFiles files = ReportWriter.write(Summaries.realistic(), target);

        assertThat(files.directory()).isEqualTo(target);
        assertThat(files.html()).isEqualTo(target.resolve("index.html")).isRegularFile();
        assertThat(files.json()).isEqualTo(target.resolve("summary.json")).isRegularFile();
        assertThat(SummaryJson.read(files.json())).isEqualTo(Summaries.realistic());
        assertThat(Files.readString(files.html())).startsWith("<!DOCTYPE html>");
    }

    @Test
    void placeholdersAreFilledInOnePass() {
        assertThat(HtmlReport.fill("a {{x}} b {{y}}", Map.of("x", "{{y}}", "y", "$1\\")))
                .isEqualTo("a {{y}} b $1\\");
    }

    /** The page without the bodies of its code scripts (ECharts and the page's own), so failures print a readable page. */
    private static String withoutCode(String html) {
        return html.replaceAll("(?s)<script>.*?</script>", "<script></script>");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        return text.substring(from, text.indexOf(end, from));
    }

    /** The cells of a guarantee's row in the results table, tags stripped. */
    private static List<String> cells(String html, String guarantee) {
        String row = between(html, "<tr class=\"" + (guarantee.equals("exactly-once") ? "fail" : "pass")
                + "\" data-guarantee=\"" + guarantee + "\">", "</tr>");
        Matcher m = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(row);
        List<String> cells = new java.util.ArrayList<>();
        while (m.find()) {
            cells.add(m.group(1).replaceAll("<[^>]+>", ""));
        }
        return cells;
    }
}
