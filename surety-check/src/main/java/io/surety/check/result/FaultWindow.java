package io.surety.check.result;

/** A fault as it appears on the report's time axis: milliseconds since the run started; end -1 if never healed. */
public record FaultWindow(String name, long startMs, long endMs) {
}
