package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuMeterTest {

    @Test
    void shouldCountEverythingButIdleAndIowaitAsBusyWhenReadingProcStat() {
        String stat = "cpu  100 20 30 5000 400 6 7 8 0 0\ncpu0 50 10 15 2500 200 3 3 4 0 0\n";
        // user + nice + system + irq + softirq + steal = 100 + 20 + 30 + 6 + 7 + 8 ticks
        assertThat(CpuMeter.machineBusyFromStat(stat)).isCloseTo(1.71, within(1e-9));
    }

    @Test
    void shouldReadTheChildrenFieldsWhenAskedForFieldsSixteenAndSeventeen() {
        String stat = "7 (java) S 1 7 7 0 -1 0 0 0 0 0 250 150 300 100 20 0 30 0 1000 0 0";
        assertThat(CpuMeter.statFields(stat, 14, 15)).isCloseTo(4.0, within(1e-9));
        assertThat(CpuMeter.statFields(stat, 16, 17)).isCloseTo(4.0, within(1e-9));
    }

    @Test
    void shouldChargeOthersWithWhatNoMeasuredProcessUsedWhenMachineWasBusier() {
        CpuMeter.Reading before = new CpuMeter.Reading(0, 100, 10, 10, 0, 0, 20, 1);
        // 10 s on 2 cores = 20 CPU-seconds of capacity; the machine was busy 14 s, of which the broker
        // used 4, the load generator 7 and the benchmark 1: 2 s (10 %) belonged to someone else.
        CpuMeter.Reading after = new CpuMeter.Reading(10_000_000_000L, 114, 14, 14, 1, 0, 27, 2);
        assertThat(CpuMeter.othersShare(before, after, 2)).isCloseTo(0.10, within(1e-9));
    }

    @Test
    void shouldNotChargeOthersWithTheRunsIdleBrokersWhenTheyAccountForTheRest() {
        CpuMeter.Reading before = new CpuMeter.Reading(0, 100, 10, 10, 0, 50, 20, 1);
        // As above, but the 2 s went to the run's other brokers, kept warm for their own trials.
        CpuMeter.Reading after = new CpuMeter.Reading(10_000_000_000L, 114, 14, 14, 1, 52, 27, 2);
        assertThat(CpuMeter.othersShare(before, after, 2)).isZero();
    }

    @Test
    void shouldChargeOthersNothingWhenMeasuredProcessesAccountForAllTheWork() {
        CpuMeter.Reading before = new CpuMeter.Reading(0, 100, 10, 10, 0, 0, 20, 1);
        CpuMeter.Reading after = new CpuMeter.Reading(1_000_000_000L, 101.5, 11, 11, 0, 0, 20.6, 1);
        assertThat(CpuMeter.othersShare(before, after, 2)).isZero();
    }

    @Test
    void shouldReportTheCompilersPartOfTheBrokersCpuWhenMeasuringWarmth() {
        CpuMeter.Reading before = new CpuMeter.Reading(0, 100, 10, 10, 3, 0, 20, 1);
        CpuMeter.Reading after = new CpuMeter.Reading(1_000_000_000L, 104, 14, 14, 4, 0, 20, 1);
        assertThat(CpuMeter.jitShare(before, after)).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void shouldFindThisJvmsCompilerThreadsWhenReadingProc() throws Exception {
        assertThat(ProcessStats.compilerCpuSeconds(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void shouldTakeTheNanosecondFigureWhenTicksOnlyDifferByRounding() {
        CpuMeter.Reading before = new CpuMeter.Reading(0, 100, 10.00, 5.000, 0, 0, 0, 0);
        CpuMeter.Reading after = new CpuMeter.Reading(1_000_000_000L, 101, 10.33, 5.312, 0, 0, 0, 0);
        assertThat(CpuMeter.brokerCpu(before, after)).isCloseTo(0.312, within(1e-9));
    }

    @Test
    void shouldTakeTheTicksWhenAThreadEndedDuringTheTrial() {
        CpuMeter.Reading before = new CpuMeter.Reading(0, 100, 10.00, 5.0, 0, 0, 0, 0);
        // A thread that used 0.2 s ended: the live threads' figure lost it, the process's ticks did not.
        CpuMeter.Reading after = new CpuMeter.Reading(1_000_000_000L, 101, 10.50, 5.3, 0, 0, 0, 0);
        assertThat(CpuMeter.brokerCpu(before, after)).isCloseTo(0.50, within(1e-9));
    }

    @Test
    void shouldReadOnCpuNanosecondsWhenParsingSchedstat() throws Exception {
        assertThat(ProcessStats.onCpuNanosFromSchedstat("697558 120 1\n")).isEqualTo(697_558);
        assertThat(ProcessStats.liveThreadsCpuSeconds(ProcessHandle.current().pid())).isPositive();
    }
}
