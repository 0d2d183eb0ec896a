package io.surety.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Who used the machine's CPU during a trial, from Linux's {@code /proc}: the whole machine, the
 * broker under test (the sum over its nodes), the run's other brokers (idle, kept warm for their
 * own trials), the load generator (the benchmark's child processes, counted once they are waited
 * for) and the benchmark itself. What is left belongs to other processes, which is what makes a
 * trial disturbed. Stateless.
 *
 * <p>{@code /proc/stat}'s first line sums every core's time in clock ticks: user, nice, system,
 * idle, iowait, irq, softirq, steal, ...; busy is everything but idle and iowait (steal counts:
 * another guest on the host took the core). {@code /proc/self/stat} fields 14–17 are this
 * process's user and system time and those of its waited-for children.
 */
final class CpuMeter {

    /**
     * One snapshot, all in CPU seconds except the wall clock: {@code broker} from the process's clock
     * ticks, {@code brokerLive} from its live threads to the nanosecond, {@code brokerJit} the part
     * its JIT compilers used, {@code idleBrokers} the run's other broker processes.
     */
    record Reading(long wallNanos, double machineBusy, double broker, double brokerLive, double brokerJit,
            double idleBrokers, double children, double self) {
    }

    /** Ticks are 10 ms; a difference of more than this between the two broker figures means a thread ended. */
    private static final double TICK_SLACK_SECONDS = 0.03;

    private CpuMeter() {
    }

    /** A snapshot of the broker under test's processes ({@code brokerPids}) and the run's idle ones ({@code idlePids}). */
    static Reading read(List<Long> brokerPids, List<Long> idlePids) throws IOException {
        String self = Files.readString(Path.of("/proc/self/stat"));
        double broker = 0;
        double brokerLive = 0;
        double brokerJit = 0;
        for (long pid : brokerPids) {
            broker += ProcessStats.cpuSeconds(pid);
            brokerLive += ProcessStats.liveThreadsCpuSeconds(pid);
            brokerJit += ProcessStats.compilerCpuSeconds(pid);
        }
        double idle = 0;
        for (long pid : idlePids) {
            idle += ProcessStats.cpuSeconds(pid);
        }
        return new Reading(System.nanoTime(), machineBusyFromStat(Files.readString(Path.of("/proc/stat"))),
                broker, brokerLive, brokerJit, idle, statFields(self, 16, 17), statFields(self, 14, 15));
    }

    /** Share (0–1) of all cores' time between the readings that no measured process used. */
    static double othersShare(Reading before, Reading after, int cores) {
        double wallSeconds = (after.wallNanos() - before.wallNanos()) / 1e9;
        if (wallSeconds <= 0) {
            return 0;
        }
        double others = (after.machineBusy() - before.machineBusy()) - brokerCpu(before, after)
                - (after.idleBrokers() - before.idleBrokers()) - (after.children() - before.children()) - (after.self() - before.self());
        return Math.max(0, others) / (cores * wallSeconds);
    }

    /**
     * The broker's CPU seconds between the readings: its live threads' nanosecond figure, unless the
     * process's tick count says more than tick rounding explains (a thread ended during the trial and
     * took its time out of the live figure), in which case the ticks.
     */
    static double brokerCpu(Reading before, Reading after) {
        double ticks = after.broker() - before.broker();
        double live = after.brokerLive() - before.brokerLive();
        return ticks - live > TICK_SLACK_SECONDS ? ticks : live;
    }

    /** Share (0–1) of the broker's CPU between the readings that went to compiling code, not serving. */
    static double jitShare(Reading before, Reading after) {
        double broker = brokerCpu(before, after);
        return broker > 0 ? Math.max(0, after.brokerJit() - before.brokerJit()) / broker : 0;
    }

    static double machineBusyFromStat(String procStat) {
        String first = procStat.substring(0, procStat.indexOf('\n') < 0 ? procStat.length() : procStat.indexOf('\n'));
        String[] fields = first.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < fields.length && i <= 8; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy / (double) ProcessStats.CLOCK_TICKS_PER_SECOND;
    }

    /** The sum of two numbered fields (from 1, as proc(5) counts) of a {@code /proc/<pid>/stat} line, in seconds. */
    static double statFields(String stat, int first, int second) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field N is at index N - 3.
        long ticks = Long.parseLong(fields[first - 3]) + Long.parseLong(fields[second - 3]);
        return ticks / (double) ProcessStats.CLOCK_TICKS_PER_SECOND;
    }
}
