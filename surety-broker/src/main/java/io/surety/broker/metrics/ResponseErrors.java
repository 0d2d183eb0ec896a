package io.surety.broker.metrics;

import java.util.Map;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Finds the error codes a response body carries: the top-level code and every per-partition (or
 * per-topic, per-group, per-member) code, as Kafka's own {@link AbstractResponse#errorCounts()}
 * defines them for each API. Stateless and thread-safe.
 *
 * <p>Implementation notes: Kafka responses carry their errors inside the body, so a request
 * "failed" only as far as those codes say. Produce and Fetch, the APIs on the data path, are
 * walked here directly: two nested loops over the partitions reading a {@code short}, with no
 * allocation. Every other API is serialized at its version, read back through kafka-clients' own
 * {@link AbstractResponse#parseResponse} and asked for {@code errorCounts()}: a copy of a small,
 * infrequent body, so that no list of APIs lives here. The APIs served are listed once, in
 * {@code api.ServedVersions}; a second list here (one response constructor per API) could drift
 * from it, whereas kafka-clients' parser covers every API it knows.
 */
final class ResponseErrors {

    /** Told about each error code found (never {@link Errors#NONE}). */
    interface Sink {
        void error(Errors error, int count);
    }

    private ResponseErrors() {
    }

    /** Reports every error {@code body} (a response of {@code api} at {@code version}) carries; returns the first, or NONE. */
    static Errors count(ApiKeys api, ApiMessage body, short version, Sink sink) {
        if (api == ApiKeys.PRODUCE) {
            return produce((ProduceResponseData) body, sink);
        } else if (api == ApiKeys.FETCH) {
            return fetch((FetchResponseData) body, sink);
        }
        return viaKafka(AbstractResponse.parseResponse(api, MessageUtil.toByteBufferAccessor(body, version), version), sink);
    }

    private static Errors produce(ProduceResponseData body, Sink sink) {
        Errors first = Errors.NONE;
        for (ProduceResponseData.TopicProduceResponse topic : body.responses()) {
            for (ProduceResponseData.PartitionProduceResponse partition : topic.partitionResponses()) {
                first = report(partition.errorCode(), first, sink);
            }
        }
        return first;
    }

    private static Errors fetch(FetchResponseData body, Sink sink) {
        Errors first = report(body.errorCode(), Errors.NONE, sink);
        for (FetchResponseData.FetchableTopicResponse topic : body.responses()) {
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                first = report(partition.errorCode(), first, sink);
            }
        }
        return first;
    }

    private static Errors report(short code, Errors first, Sink sink) {
        if (code == 0) {
            return first;
        }
        Errors error = Errors.forCode(code);
        sink.error(error, 1);
        return first == Errors.NONE ? error : first;
    }

    private static Errors viaKafka(AbstractResponse response, Sink sink) {
        Errors first = Errors.NONE;
        for (Map.Entry<Errors, Integer> entry : response.errorCounts().entrySet()) {
            if (entry.getKey() != Errors.NONE && entry.getValue() > 0) {
                sink.error(entry.getKey(), entry.getValue());
                if (first == Errors.NONE) {
                    first = entry.getKey();
                }
            }
        }
        return first;
    }
}
