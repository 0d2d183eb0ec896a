package io.surety.bench;

import java.util.List;

/** Everything measured for one broker in one run. */
record BrokerRun(String broker, double firstAckMs, double peakResidentMiB, List<PerfResult> results) {

    PerfResult result(String workload) {
        return results.stream().filter(r -> r.workload().equals(workload)).findFirst().orElse(null);
    }
}
