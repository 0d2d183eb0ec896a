package io.surety.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** A figure of a trial, as the report names it, and whether more of it is better. */
enum Metric {
    RECORDS_PER_SEC("records/s", 0, true, PerfResult::recordsPerSec),
    MB_PER_SEC("MB/s", 1, true, PerfResult::mbPerSec),
    P50_MS("p50 ms", 1, false, PerfResult::p50Ms),
    P99_MS("p99 ms", 1, false, PerfResult::p99Ms),
    P999_MS("p99.9 ms", 1, false, PerfResult::p999Ms),
    BROKER_CPU_SECONDS("broker CPU s", 2, false, PerfResult::brokerCpuSeconds),
    RECORDS_PER_BROKER_CPU_SECOND("records per broker CPU-second", 0, true, PerfResult::recordsPerBrokerCpuSecond);

    private final String label;
    private final int decimals;
    private final boolean higherIsBetter;
    private final ToDoubleFunction<PerfResult> read;

    Metric(String label, int decimals, boolean higherIsBetter, ToDoubleFunction<PerfResult> read) {
        this.label = label;
        this.decimals = decimals;
        this.higherIsBetter = higherIsBetter;
        this.read = read;
    }

    String label() {
        return label;
    }

    int decimals() {
        return decimals;
    }

    boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The median and range of this figure over the samples that produced a result. */
    Spread over(List<Sample> samples) {
        return Spread.of(samples.stream().filter(s -> s.result().ok()).map(s -> read.applyAsDouble(s.result())).toList());
    }
}
