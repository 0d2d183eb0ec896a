package io.surety.check.run;

import io.surety.check.report.SummaryJson;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.GuaranteeResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code surety check} in this JVM with a report directory of its own, and keeps what it said. */
final class CommandRun {

    final int exitCode;
    final String console;
    final Path reportDirectory;

    private CommandRun(int exitCode, String console, Path reportDirectory) {
        this.exitCode = exitCode;
        this.console = console;
        this.reportDirectory = reportDirectory;
    }

    static CommandRun execute(Path directory, String... args) throws Exception {
        Path report = directory.resolve("report");
        List<String> all = new ArrayList<>(List.of("--report-dir", report.toString(),
                "--work-dir", Files.createDirectories(directory.resolve("work")).toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);
        int code = CheckCommand.execute(tee, all.toArray(String[]::new));
        return new CommandRun(code, bytes.toString(StandardCharsets.UTF_8), report);
    }

    CheckSummary summary() {
        return SummaryJson.read(reportDirectory.resolve(SummaryJson.FILE_NAME));
    }

    GuaranteeResult result(String guarantee) {
        return summary().results().stream().filter(r -> r.guarantee().equals(guarantee)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + guarantee + " in " + summary()));
    }

    /** Copies what the command prints to the test's own output too, so a failed run can be read in the log. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
