package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessStatsTest {

    @Test
    void shouldSumUserAndSystemTicksWhenCommandNameHasSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 30 0 1000 0 0";
        assertThat(ProcessStats.cpuSecondsFromStat(stat)).isCloseTo(4.0, within(1e-9));
    }

    @Test
    void shouldReadPeakResidentMemoryWhenStatusHasVmHwm() {
        assertThat(ProcessStats.peakResidentMiBFromStatus(List.of("Name:\tjava", "VmHWM:\t  524288 kB", "VmRSS:\t 1 kB")))
                .isEqualTo(512.0);
        assertThat(ProcessStats.peakResidentMiBFromStatus(List.of("Name:\tjava"))).isEqualTo(-1);
    }

    @Test
    void shouldMeasureThisProcessWhenReadingProc() throws Exception {
        assertThat(ProcessStats.cpuSeconds(ProcessHandle.current().pid())).isPositive();
        assertThat(ProcessStats.peakResidentMiB(ProcessHandle.current().pid())).isPositive();
    }
}
