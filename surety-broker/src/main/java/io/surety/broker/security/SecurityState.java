package io.surety.broker.security;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.metadata.MetadataRecordType;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * One part of the broker's security state (SCRAM credentials, ACLs) as Kafka keeps it: rebuilt by
 * replaying Kafka's own metadata records, in the order they were made durable. The
 * {@link SecurityStore} calls {@link #replay} at start for every stored record, then after each
 * durable change, always under its lock; readers (authentications, authorization checks) may run
 * on any thread, so an implementation publishes what it replays safely.
 */
public interface SecurityState {

    /** The record types this state replays; no two states of one store share a type. */
    Set<MetadataRecordType> recordTypes();

    /** Applies one record of a type in {@link #recordTypes()}. */
    void replay(ApiMessage record);

    /** Records that, replayed into an empty state, rebuild the current one (what a compaction keeps). */
    List<ApiMessageAndVersion> snapshot();
}
