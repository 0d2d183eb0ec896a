package io.surety.check.report;

import java.nio.file.Path;

/** Where {@link ReportWriter} put a run's report. */
public record ReportFiles(Path directory, Path html, Path json) {
}
