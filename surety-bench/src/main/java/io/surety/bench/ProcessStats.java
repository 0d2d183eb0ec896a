package io.surety.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and peak memory of a process, read from Linux's {@code /proc}. Stateless.
 *
 * <p>{@code /proc/<pid>/stat}: after the command name in parentheses, field 14 is user time and
 * field 15 system time, in clock ticks. {@code /proc/<pid>/status}: {@code VmHWM} is the peak
 * resident set size in kB.
 */
final class ProcessStats {

    /** Linux's USER_HZ on every mainstream architecture; /proc reports CPU time in these ticks. */
    static final int CLOCK_TICKS_PER_SECOND = 100;

    private ProcessStats() {
    }

    /** User plus system CPU seconds the process has used so far. */
    static double cpuSeconds(long pid) throws IOException {
        return cpuSecondsFromStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    static double cpuSecondsFromStat(String stat) {
        return CpuMeter.statFields(stat, 14, 15);
    }

    /** Peak resident memory in MiB, or -1 if the process is gone. */
    static double peakResidentMiB(long pid) {
        try {
            return peakResidentMiBFromStatus(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException e) {
            return -1;
        }
    }

    static double peakResidentMiBFromStatus(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) / 1024.0;
            }
        }
        return -1;
    }
}
