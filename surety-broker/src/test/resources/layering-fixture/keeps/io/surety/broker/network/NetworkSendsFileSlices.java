package io.surety.broker.network;

import io.netty.channel.FileRegion;
import io.surety.broker.api.ApiDispatcher;
import io.surety.broker.log.FileSlice;
import io.surety.broker.metrics.ConnectionMetrics;
import io.surety.broker.record.FileSliceRecords;

/**
 * Keeps the layering: network uses Netty, api, the leaves, and the two classes it sends with
 * sendfile. Never compiled.
 */
final class NetworkSendsFileSlices {

    FileRegion region;
    ApiDispatcher dispatcher;
    FileSlice slice;
    ConnectionMetrics metrics;
    FileSliceRecords records;
}
