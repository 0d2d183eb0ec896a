package io.surety.broker.api;

import org.apache.kafka.common.protocol.Errors;

/** The error codes old request versions cannot carry, mapped to the ones they can, as Kafka maps them. Stateless. */
final class TxnErrors {

    private TxnErrors() {
    }

    /** PRODUCER_FENCED came with {@code firstFencedVersion}; older clients get INVALID_PRODUCER_EPOCH. */
    static Errors fenced(Errors error, short version, int firstFencedVersion) {
        return error == Errors.PRODUCER_FENCED && version < firstFencedVersion ? Errors.INVALID_PRODUCER_EPOCH : error;
    }

    /** TRANSACTION_ABORTABLE came with {@code firstAbortableVersion}; older clients get INVALID_TXN_STATE. */
    static Errors abortable(Errors error, short version, int firstAbortableVersion) {
        return error == Errors.TRANSACTION_ABORTABLE && version < firstAbortableVersion ? Errors.INVALID_TXN_STATE : error;
    }
}
