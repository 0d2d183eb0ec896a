package io.surety.semantics;

/**
 * Told of each anomaly a {@link DeliveryAudit} notices, on the thread that feeds the audit, before
 * {@code record} returns. Keep it quick; an exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface AuditListener {

    void onEvent(AuditEvent event);
}
