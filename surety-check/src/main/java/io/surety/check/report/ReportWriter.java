package io.surety.check.report;

import io.surety.check.result.CheckSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a run's report directory: {@code index.html} and {@code summary.json}. */
public final class ReportWriter {

    /** Where the report goes unless the user says otherwise. */
    public static final Path DEFAULT_DIR = Path.of("check-report");

    private ReportWriter() {
    }

    /** Creates {@code dir} if needed and writes both files into it, replacing earlier ones. */
    public static ReportFiles write(CheckSummary summary, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create report directory " + dir, e);
        }
        Path json = SummaryJson.write(summary, dir.resolve(SummaryJson.FILE_NAME));
        Path html = HtmlReport.write(summary, dir.resolve(HtmlReport.FILE_NAME));
        return new ReportFiles(dir, html, json);
    }
}
