package io.surety.broker.network;

import io.surety.broker.log.FileSlice;
import io.surety.broker.log.Log;

/**
 * Breaks the layering: network may use log's FileSlice (allowed) but not the log itself.
 * Never compiled.
 */
final class NetworkReadsTheLog {

    FileSlice slice;
    Log log;
}
