package io.surety.bench;

/**
 * One comparison of the report: a workload run by a base contender (Apache Kafka, or an earlier
 * Surety build) and a candidate (Surety), in a section ("page cache" rows or "fsync before ack on
 * both" rows). Ratios are candidate ÷ base. Immutable.
 */
record Row(String section, Workload workload, Contender base, Contender candidate) {
}
