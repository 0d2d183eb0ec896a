package io.surety.broker.security;

import java.util.List;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * Security state changed only by replaying Kafka's metadata records: at start from what is stored,
 * then each change as it is made. A record of a type the state does not keep is ignored, so every
 * state sees every record. Called by {@link SecurityStore} under its lock, one record at a time.
 */
public interface SecurityState {

    /** Applies one record. */
    void replay(ApiMessageAndVersion record);

    /** Records that rebuild the current state from nothing. */
    List<ApiMessageAndVersion> snapshot();
}
