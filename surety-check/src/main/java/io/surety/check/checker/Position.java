package io.surety.check.checker;

/** Where a record was found: a partition and an offset in it. */
record Position(int partition, long offset) {
}
