package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherOptionsTest {

    @TempDir
    Path root;

    @Test
    void shouldSkipCommentsAndBlankLinesAndStripSpaceWhenParsing() {
        List<String> options = LauncherOptions.parse(List.of("# heap", "", "  -Xmx256m  ", "\t", "   # indented comment",
                "-XX:+UseSerialGC", "-Dname=a value with spaces"));

        assertThat(options).containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-Dname=a value with spaces");
    }

    @Test
    void shouldReadTheLastLineWhenItHasNoLineEnd() throws Exception {
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/jvm.options"), "# options\n-Xms32m\r\n-Xmx128m");

        assertThat(LauncherOptions.read(root)).containsExactly("-Xms32m", "-Xmx128m");
    }

    @Test
    void shouldGiveNoOptionsWhenTheFileIsMissing() throws Exception {
        assertThat(LauncherOptions.read(root)).isEmpty();
    }

    @Test
    void shouldFindAMaximumHeapInTheCheckedInFile() throws Exception {
        Path repository = Path.of("..").toAbsolutePath().normalize();

        assertThat(LauncherOptions.read(repository)).anyMatch(option -> option.startsWith("-Xmx"));
    }
}
