package io.surety.broker.log;

import io.surety.broker.api.ApiRequest;

/** Breaks the layering: log is below api and may not import it. Never compiled. */
final class SegmentReadsRequest {

    ApiRequest request;
}
