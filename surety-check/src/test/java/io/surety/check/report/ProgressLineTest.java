package io.surety.check.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private static Progress at(long elapsedMs, List<String> faults) {
        long n = elapsedMs / 1000;
        return new Progress(elapsedMs, 60_000, "running", Map.of(
                "exactly-once", new Progress.Counts(700 * n, 690 * n),
                "at-most-once", new Progress.Counts(1000 * n, 990 * n),
                "at-least-once", new Progress.Counts(980 * n, 975 * n)), faults);
    }

    @Test
    void plainModePrintsALineEveryFiveSecondsOfRunTime() {
        ProgressLine progress = new ProgressLine(out, false, ProgressLine.PLAIN_INTERVAL_MS);
        for (long s = 0; s <= 20; s++) {
            progress.update(at(s * 1000, List.of()));
        }
        progress.finish();

        List<String> lines = text().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines).extracting(l -> l.substring(0, 31)).containsExactly(
                "[....................]   0/60 s",
                "[##..................]   5/60 s",
                "[###.................]  10/60 s",
                "[#####...............]  15/60 s",
                "[#######.............]  20/60 s");
        assertThat(text()).doesNotContain("\r");
    }

    @Test
    void plainModeLineHasCountsPerGuaranteeAndFaults() {
        ProgressLine progress = new ProgressLine(out, false, ProgressLine.PLAIN_INTERVAL_MS);
        progress.update(at(23_000, List.of("kill -9 broker", "latency 200 ms")));

        assertThat(text()).isEqualTo("[########............]  23/60 s  running | acked/delivered "
                + "at-most-once 23000/22770, at-least-once 22540/22425, exactly-once 16100/15870"
                + " | faults: kill -9 broker, latency 200 ms\n");
    }

    @Test
    void plainModePrintsAtOnceWhenAFaultStartsOrThephaseChanges() {
        ProgressLine progress = new ProgressLine(out, false, ProgressLine.PLAIN_INTERVAL_MS);
        progress.update(at(0, List.of()));
        progress.update(at(1_000, List.of()));
        progress.update(at(2_000, List.of("network partition: broker")));
        progress.update(at(3_000, List.of("network partition: broker")));
        progress.update(new Progress(4_000, 60_000, "draining", Map.of(), List.of()));

        List<String> lines = text().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("  2/60 s", "faults: network partition: broker");
        assertThat(lines.get(2)).isEqualTo("[#...................]   4/60 s  draining | faults: none");
    }

    @Test
    void terminalModeRedrawsOneLine() {
        ProgressLine progress = new ProgressLine(out, true, ProgressLine.PLAIN_INTERVAL_MS);
        progress.update(at(1_000, List.of("a fault with a long name")));
        progress.update(at(2_000, List.of()));
        progress.finish();

        String text = text();
        assertThat(text).startsWith("\r[").endsWith("\n");
        assertThat(text.chars().filter(c -> c == '\r')).hasSize(2);
        assertThat(text.chars().filter(c -> c == '\n')).hasSize(1);
        String[] draws = text.substring(1, text.length() - 1).split("\r");
        // the shorter second line is padded to wipe out the end of the first
        assertThat(draws[1]).hasSameSizeAs(draws[0]);
        assertThat(draws[1].strip()).endsWith("faults: none");
    }

    @Test
    void unknownPlannedLengthShowsElapsedOnly() {
        assertThat(ProgressLine.render(new Progress(7_500, 0, "starting broker", Map.of(), List.of())))
                .isEqualTo("  7 s  starting broker | faults: none");
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
