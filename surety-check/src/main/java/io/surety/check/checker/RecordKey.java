package io.surety.check.checker;

/** A record's identity: the producer instance that sent it and its sequence number in that instance. */
record RecordKey(String producer, long seq) {
}
