package io.surety.bench;

/**
 * One workload's figures for one broker. Latencies in milliseconds; NaN where the tool does not
 * report a figure. {@code brokerCpuSeconds} is the broker process's user+system CPU during the
 * workload.
 */
record PerfResult(String workload, String broker, long records, double recordsPerSec, double mbPerSec,
        double p50Ms, double p99Ms, double p999Ms, double brokerCpuSeconds, String note) {

    static PerfResult failed(String workload, String broker, String note) {
        return new PerfResult(workload, broker, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, note);
    }

    boolean ok() {
        return note == null;
    }

    /** Records handled per second of the broker's own CPU: a broker's efficiency, whoever else shares the cores. */
    double recordsPerBrokerCpuSecond() {
        return brokerCpuSeconds > 0 ? records / brokerCpuSeconds : Double.NaN;
    }

    PerfResult withCpu(double cpuSeconds) {
        return new PerfResult(workload, broker, records, recordsPerSec, mbPerSec, p50Ms, p99Ms, p999Ms, cpuSeconds, note);
    }
}
