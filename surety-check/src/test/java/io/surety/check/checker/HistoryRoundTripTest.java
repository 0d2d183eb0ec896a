package io.surety.check.checker;

import static io.surety.check.checker.Guarantees.AT_LEAST_ONCE;
import static io.surety.check.checker.Guarantees.EXACTLY_ONCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryReader;
import io.surety.check.history.HistoryWriter;
import io.surety.check.result.CheckSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Histories written as JSON lines read back to the same events and the same summary. */
class HistoryRoundTripTest {

    @TempDir
    Path dir;

    private static void write(Path file, List<HistoryEvent> events) {
        try (HistoryWriter writer = HistoryWriter.append(file)) {
            events.forEach(writer::write);
        }
    }

    @Test
    void eventsReadBackEqualToWhatWasWritten() {
        List<HistoryEvent> events = new CleanPipeline(EXACTLY_ONCE).builder()
                .fail("p1", 9, "aborted: \"deliberate\", with a comma")
                .assign("c1", "")
                .crash("c1", "mid-processing")
                .runEnd("complete").events();
        Path file = dir.resolve("history.jsonl");
        write(file, events);

        assertThat(HistoryReader.read(file)).isEqualTo(events);
        assertThat(HistoryChecker.summarize(HistoryReader.read(file), "t", "s", true, null))
                .isEqualTo(HistoryChecker.summarize(events, "t", "s", true, null));
    }

    @Test
    void aTornLastLineIsSkippedAndTheRestIsChecked() throws IOException {
        List<HistoryEvent> events = new CleanPipeline(AT_LEAST_ONCE).events();
        Path file = dir.resolve("history.jsonl");
        write(file, events);
        Files.writeString(file, "{\"type\":\"PROCESS\",\"nanos\":99,\"guarantee\":\"at-le",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        List<HistoryEvent> read = HistoryReader.read(file);

        assertThat(read).isEqualTo(events);
        assertThat(HistoryChecker.check(AT_LEAST_ONCE, read).verdict().passed()).isTrue();
    }

    @Test
    void filesOfSeveralWritersMergeInTimeOrder() {
        List<HistoryEvent> events = new CleanPipeline(AT_LEAST_ONCE).events();
        List<HistoryEvent> odd = new ArrayList<>();
        List<HistoryEvent> even = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            (i % 2 == 0 ? even : odd).add(events.get(i));
        }
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        write(a, odd);
        write(b, even);

        List<HistoryEvent> merged = HistoryReader.readAll(List.of(a, b));

        assertThat(merged).isEqualTo(events);
        CheckSummary summary = HistoryChecker.summarize(merged, "t", "s", true, null);
        assertThat(summary.passed()).isTrue();
    }
}
