package io.surety.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogScannerTest {

    @TempDir
    Path dir;

    @Test
    void shouldMatchOnlyCompleteLinesAfterStartOffsetWhileWriterRuns() throws Exception {
        Path log = dir.resolve("log");
        Files.writeString(log, "old ready\n", StandardCharsets.UTF_8);
        LogScanner scanner = new LogScanner(log, Files.size(log), 2);
        Pattern ready = Pattern.compile("ready");

        append(log, "starting\r\nrea");
        assertThat(scanner.find(ready, false)).isEmpty();

        append(log, "dy\nmore\n");
        assertThat(scanner.find(ready, false)).hasValue("ready");
    }

    @Test
    void shouldMatchUnterminatedLastLineWhenWriterHasExited() throws Exception {
        Path log = dir.resolve("log");
        Files.writeString(log, "a\nb\nc\nfatal: gone", StandardCharsets.UTF_8);
        LogScanner scanner = new LogScanner(log, 0, 2);

        assertThat(scanner.find(Pattern.compile("gone"), false)).isEmpty();
        assertThat(scanner.tail()).isEqualTo("b" + System.lineSeparator() + "c" + System.lineSeparator() + "fatal: gone");
        assertThat(scanner.find(Pattern.compile("gone"), true)).hasValue("fatal: gone");
    }

    private static void append(Path log, String text) throws Exception {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
