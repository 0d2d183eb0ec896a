package io.surety.bench;

/**
 * One comparison of the report: a workload run by a Kafka contender and a Surety contender, in a
 * section ("page cache" rows or "fsync before ack on both" rows). Immutable.
 */
record Row(String section, Workload workload, Contender kafka, Contender surety) {

    String title() {
        return workload.name() + " — " + surety.name() + " vs " + kafka.name();
    }
}
