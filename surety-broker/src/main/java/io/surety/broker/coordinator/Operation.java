package io.surety.broker.coordinator;

/** A unit of work run on the coordinator thread: it reads state, writes records, answers requests. */
@FunctionalInterface
interface Operation {
    void run(OperationContext context);
}
