package io.surety.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
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

    /**
     * User plus system CPU seconds of the process's live threads, to the nanosecond: the sum of the
     * first field of {@code /proc/<pid>/task/<tid>/schedstat}. Unlike {@link #cpuSeconds}, whose
     * clock ticks are 10 ms, this resolves a trial of a third of a CPU-second to better than a
     * percent; but a thread that ended takes its time with it (see {@link CpuMeter#brokerCpu}).
     */
    static double liveThreadsCpuSeconds(long pid) throws IOException {
        long nanos = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    nanos += onCpuNanosFromSchedstat(Files.readString(task.resolve("schedstat")));
                } catch (IOException e) {
                    // The thread ended between listing and reading.
                }
            }
        }
        return nanos / 1e9;
    }

    static long onCpuNanosFromSchedstat(String schedstat) {
        return Long.parseLong(schedstat.trim().split("\\s+")[0]);
    }

    /**
     * CPU seconds the process's JIT compiler threads have used so far (threads named "C1 CompilerThre…"
     * or "C2 CompilerThre…" in {@code /proc/<pid>/task/<tid>/comm}): how far from warm a JVM still is.
     */
    static double compilerCpuSeconds(long pid) throws IOException {
        double seconds = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        seconds += cpuSecondsFromStat(Files.readString(task.resolve("stat")));
                    }
                } catch (IOException e) {
                    // The thread ended between listing and reading: it has no more CPU to count.
                }
            }
        }
        return seconds;
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
