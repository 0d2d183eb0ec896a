package io.surety.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options {@code bin/surety start} gives the broker, read from {@code config/jvm.options}
 * by the same rules as the launcher, so a benchmark runs the broker as its users do. Stateless.
 *
 * <p>The file holds one option a line. Leading and trailing white space is dropped; empty lines and
 * lines starting with {@code #} are skipped; nothing else is interpreted (no quotes, no variables,
 * no comment after an option). A missing file means no options, as for the launcher. The launcher
 * adds {@code SURETY_JAVA_OPTS} after these, and its own class-data-sharing options before them.
 */
public final class LauncherOptions {

    /** Where the options live, relative to the repository root. */
    public static final Path FILE = Path.of("config", "jvm.options");

    private LauncherOptions() {
    }

    /** The options in {@code <root>/config/jvm.options}, in file order. */
    public static List<String> read(Path root) throws IOException {
        Path file = root.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static List<String> parse(List<String> lines) {
        List<String> options = new ArrayList<>();
        for (String line : lines) {
            String option = line.strip();
            if (!option.isEmpty() && !option.startsWith("#")) {
                options.add(option);
            }
        }
        return List.copyOf(options);
    }
}
