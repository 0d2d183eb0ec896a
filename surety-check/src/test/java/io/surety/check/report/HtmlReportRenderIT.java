package io.surety.check.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultWindow;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opens the report of a realistic run in headless Chromium, as a reader would: the page must draw
 * both charts (ECharts' SVG in the DOM, with the series and fault labels) and a screenshot must show
 * them. The screenshot stays in target/report-render/ for a human to look at.
 *
 * <p>Chromium is looked for in $SURETY_CHROMIUM, /usr/bin/chromium and /usr/bin/chromium-browser;
 * without one the test is skipped (CI installs Debian's chromium).
 */
class HtmlReportRenderIT {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2000;
    private static final long TIMEOUT_S = 60;

    private static Path chromium;
    private static Path dir;
    private static Path page;
    private static final List<Path> profiles = new ArrayList<>();

    @BeforeAll
    static void writeReport() throws IOException {
        chromium = findChromium();
        assumeTrue(chromium != null, "no Chromium found (set SURETY_CHROMIUM or install chromium): render test skipped");
        dir = Path.of("target", "report-render").toAbsolutePath();
        Files.createDirectories(dir);
        CheckSummary summary = Summaries.realistic();
        page = ReportWriter.write(summary, dir).html();
    }

    @AfterAll
    static void removeProfiles() throws IOException {
        for (Path profile : profiles) {
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void domHoldsBothChartsDrawnAsSvg() throws Exception {
        Path out = dir.resolve("dom.html");
        run(List.of("--virtual-time-budget=5000", "--dump-dom", page.toUri().toString()), out);
        String dom = markup(Files.readString(out, StandardCharsets.UTF_8));

        for (String id : List.of(HtmlReport.THROUGHPUT_CHART_ID, HtmlReport.ANOMALY_CHART_ID)) {
            String chart = element(dom, id);
            assertThat(chart).as("chart %s", id).contains("<svg");
            assertThat(count(chart, "<path")).as("paths drawn in %s", id).isGreaterThan(10);
        }
        String throughput = element(dom, HtmlReport.THROUGHPUT_CHART_ID);
        assertThat(throughput).contains("at-most-once acked/s", "at-least-once delivered/s", "exactly-once acked/s",
                "network partition: broker", "kill -9 broker", "consumer crash", "latency 200 ms",
                "packet loss 5% (never healed)");
        String anomalies = element(dom, HtmlReport.ANOMALY_CHART_ID);
        assertThat(anomalies).contains(">lost<", ">duplicated<", ">reordered<", ">at-least-once<", ">112<");
        assertThat(dom).contains("embedded Surety broker (127.0.0.1:19092)", Summaries.DUPLICATES);
    }

    @Test
    void hostileNamesStayTextInTheBrowser() throws Exception {
        String evil = "<img src=x onerror=\"document.title='owned'\"><script>document.title='owned'</script>";
        CheckSummary real = Summaries.realistic();
        CheckSummary hostile = new CheckSummary(evil, real.startedAt(), real.durationMs(), false, evil,
                real.results(), List.of(new FaultWindow(evil, 5_000, 9_000), new FaultWindow(evil, 20_000, 20_000)),
                real.timeline());
        Path hostileDir = dir.resolve("hostile");
        Path hostilePage = ReportWriter.write(hostile, hostileDir).html();
        Path out = hostileDir.resolve("dom.html");
        run(List.of("--virtual-time-budget=5000", "--dump-dom", hostilePage.toUri().toString()), out);
        String dom = markup(Files.readString(out, StandardCharsets.UTF_8));

        assertThat(dom).doesNotContain("owned</title>").doesNotContain("<img");
        assertThat(count(dom, "<script")).as("only the page's own three scripts").isEqualTo(3);
        // the names reached the chart as text: the embedded JSON parsed and the chart was drawn
        String throughput = element(dom, HtmlReport.THROUGHPUT_CHART_ID);
        assertThat(throughput).contains("<svg", "&lt;img src=x onerror=");
    }

    @Test
    void screenshotShowsTheCharts() throws Exception {
        Path png = dir.resolve("index.png");
        Files.deleteIfExists(png);
        run(List.of("--virtual-time-budget=5000", "--hide-scrollbars", "--screenshot=" + png,
                page.toUri().toString()), dir.resolve("screenshot.log"));

        assertThat(png).exists();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);

        // The throughput chart sits below the header and the table; the whole upper half of the page
        // must be a drawing, not a blank page with a table.
        Region upper = Region.of(image, 0, 0, WIDTH, HEIGHT / 2);
        assertThat(upper.distinctColours).as("distinct colours in the upper half").isGreaterThan(200);
        assertThat(upper.nonWhiteShare).as("share of non-white pixels in the upper half").isGreaterThan(0.04);
        // Each guarantee's line colour (amber, blue, green) and the fault red are drawn somewhere.
        assertThat(Region.of(image, 0, 0, WIDTH, HEIGHT).hasColourNear(0xd97706)).as("amber").isTrue();
        assertThat(Region.of(image, 0, 0, WIDTH, HEIGHT).hasColourNear(0x2563eb)).as("blue").isTrue();
        assertThat(Region.of(image, 0, 0, WIDTH, HEIGHT).hasColourNear(0x059669)).as("green").isTrue();
        assertThat(Region.of(image, 0, 0, WIDTH, HEIGHT).hasColourNear(0xdc2626)).as("red").isTrue();
    }

    /** Runs Chromium headless on a fresh profile with stdout to {@code out}; fails if it hangs or fails. */
    private static void run(List<String> args, Path out) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("surety-chromium-");
        profiles.add(profile);
        List<String> command = new ArrayList<>(List.of(chromium.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + WIDTH + "," + HEIGHT));
        command.addAll(args);
        Path err = Path.of(out + ".stderr");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within " + TIMEOUT_S + " s: " + command);
        }
        assertThat(process.exitValue()).as("chromium exit code; stderr in %s", err).isZero();
    }

    private static Path findChromium() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("SURETY_CHROMIUM");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"));
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** The outer HTML of the element with this id, up to its matching close tag (divs only). */
    private static String element(String dom, String id) {
        int start = dom.indexOf("id=\"" + id + "\"");
        assertThat(start).as("element #%s in the DOM", id).isNotNegative();
        start = dom.lastIndexOf("<div", start);
        Matcher tags = Pattern.compile("<div\\b|</div>").matcher(dom);
        int depth = 0;
        int from = start;
        while (tags.find(from)) {
            depth += tags.group().startsWith("</") ? -1 : 1;
            from = tags.end();
            if (depth == 0) {
                return dom.substring(start, tags.end());
            }
        }
        throw new AssertionError("unclosed element #" + id);
    }

    /** The DOM with the bodies of its scripts left out (ECharts alone is a megabyte of them). */
    private static String markup(String dom) {
        return dom.replaceAll("(?s)(<script[^>]*>).*?</script>", "$1</script>");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** Colour statistics of a rectangle of the screenshot. */
    private record Region(int distinctColours, double nonWhiteShare, Set<Integer> colours) {

        static Region of(BufferedImage image, int x0, int y0, int w, int h) {
            Set<Integer> colours = new HashSet<>();
            long nonWhite = 0;
            for (int y = y0; y < y0 + h; y++) {
                for (int x = x0; x < x0 + w; x++) {
                    int rgb = image.getRGB(x, y) & 0xffffff;
                    colours.add(rgb);
                    if (rgb != 0xffffff) {
                        nonWhite++;
                    }
                }
            }
            return new Region(colours.size(), (double) nonWhite / ((long) w * h), colours);
        }

        boolean hasColourNear(int target) {
            return colours.stream().anyMatch(c -> distance(c, target) < 24);
        }

        private static int distance(int a, int b) {
            return Math.abs((a >> 16 & 0xff) - (b >> 16 & 0xff)) + Math.abs((a >> 8 & 0xff) - (b >> 8 & 0xff))
                    + Math.abs((a & 0xff) - (b & 0xff));
        }
    }
}
