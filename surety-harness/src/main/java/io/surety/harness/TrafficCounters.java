package io.surety.harness;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one {@link FaultProxy} has carried, for assertions. Thread-safe; every counter only grows.
 */
final class TrafficCounters {

    final LongAdder bytesToUpstream = new LongAdder();
    final LongAdder bytesToClients = new LongAdder();
    final LongAdder connectionsAccepted = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder responsesDropped = new LongAdder();
}
