package io.surety.broker.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.ListTransactionsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;


/**
 * Finds the error codes a response body carries: the top-level code and every per-partition (or
 * per-topic, per-group, per-member) code, as Kafka's own {@link AbstractResponse#errorCounts()}
 * defines them for each API. Stateless and thread-safe.
 *
 * <p>Implementation notes: Kafka responses carry their errors inside the body, so a request
 * "failed" only as far as those codes say. Produce and Fetch, the APIs on the data path, are
 * walked here directly: two nested loops over the partitions reading a {@code short}, with no
 * allocation. Every other API is wrapped in its kafka-clients response class (a table of
 * constructors, no copying) and asked for {@code errorCounts()}, which allocates a small map but
 * stays correct for every response shape Kafka defines. An API missing from the table (one added
 * later) is re-parsed from its serialized form: slow, but still right, and it shows in nothing
 * but that API's latency.
 */
final class ResponseErrors {

    /** Told about each error code found (never {@link Errors#NONE}). */
    interface Sink {
        void error(Errors error, int count);
    }

    private static final Map<ApiKeys, BiFunction<ApiMessage, Short, AbstractResponse>> WRAPPERS = wrappers();

    private ResponseErrors() {
    }

    /** Reports every error {@code body} (a response of {@code api} at {@code version}) carries; returns the first, or NONE. */
    static Errors count(ApiKeys api, ApiMessage body, short version, Sink sink) {
        if (api == ApiKeys.PRODUCE) {
            return produce((ProduceResponseData) body, sink);
        } else if (api == ApiKeys.FETCH) {
            return fetch((FetchResponseData) body, sink);
        }
        return viaKafka(wrap(api, body, version), sink);
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

    private static AbstractResponse wrap(ApiKeys api, ApiMessage body, short version) {
        BiFunction<ApiMessage, Short, AbstractResponse> wrapper = WRAPPERS.get(api);
        if (wrapper != null) {
            return wrapper.apply(body, version);
        }
        return AbstractResponse.parseResponse(api, MessageUtil.toByteBufferAccessor(body, version), version);
    }

    private static Map<ApiKeys, BiFunction<ApiMessage, Short, AbstractResponse>> wrappers() {
        Map<ApiKeys, BiFunction<ApiMessage, Short, AbstractResponse>> w = new EnumMap<>(ApiKeys.class);
        w.put(ApiKeys.API_VERSIONS, (m, v) -> new ApiVersionsResponse((ApiVersionsResponseData) m));
        w.put(ApiKeys.METADATA, (m, v) -> new MetadataResponse((MetadataResponseData) m, v));
        w.put(ApiKeys.LIST_OFFSETS, (m, v) -> new ListOffsetsResponse((ListOffsetsResponseData) m));
        w.put(ApiKeys.INIT_PRODUCER_ID, (m, v) -> new InitProducerIdResponse((InitProducerIdResponseData) m));
        w.put(ApiKeys.CREATE_TOPICS, (m, v) -> new CreateTopicsResponse((CreateTopicsResponseData) m));
        w.put(ApiKeys.DELETE_TOPICS, (m, v) -> new DeleteTopicsResponse((DeleteTopicsResponseData) m));
        w.put(ApiKeys.CREATE_PARTITIONS, (m, v) ->
                new CreatePartitionsResponse((CreatePartitionsResponseData) m));
        w.put(ApiKeys.DESCRIBE_CONFIGS, (m, v) -> new DescribeConfigsResponse((DescribeConfigsResponseData) m));
        w.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, (m, v) ->
                new IncrementalAlterConfigsResponse((IncrementalAlterConfigsResponseData) m));
        w.put(ApiKeys.DESCRIBE_CLUSTER, (m, v) -> new DescribeClusterResponse((DescribeClusterResponseData) m));
        w.put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, (m, v) ->
                new OffsetsForLeaderEpochResponse((OffsetForLeaderEpochResponseData) m));
        w.put(ApiKeys.DELETE_RECORDS, (m, v) -> new DeleteRecordsResponse((DeleteRecordsResponseData) m));
        w.put(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (m, v) ->
                new DescribeTopicPartitionsResponse((DescribeTopicPartitionsResponseData) m));
        groupWrappers(w);
        transactionWrappers(w);
        return w;
    }

    private static void groupWrappers(Map<ApiKeys, BiFunction<ApiMessage, Short, AbstractResponse>> w) {
        w.put(ApiKeys.FIND_COORDINATOR, (m, v) -> new FindCoordinatorResponse((FindCoordinatorResponseData) m));
        w.put(ApiKeys.JOIN_GROUP, (m, v) -> new JoinGroupResponse((JoinGroupResponseData) m, v));
        w.put(ApiKeys.SYNC_GROUP, (m, v) -> new SyncGroupResponse((SyncGroupResponseData) m));
        w.put(ApiKeys.HEARTBEAT, (m, v) -> new HeartbeatResponse((HeartbeatResponseData) m));
        // The body is already in its version's shape (v0-v2: one top-level code, no members); the
        // constructor taking a version would reshape it and refuses a v0-v2 body without members.
        w.put(ApiKeys.LEAVE_GROUP, (m, v) -> new LeaveGroupResponse((LeaveGroupResponseData) m));
        w.put(ApiKeys.OFFSET_COMMIT, (m, v) -> new OffsetCommitResponse((OffsetCommitResponseData) m));
        w.put(ApiKeys.OFFSET_FETCH, (m, v) -> new OffsetFetchResponse((OffsetFetchResponseData) m, v));
        w.put(ApiKeys.OFFSET_DELETE, (m, v) -> new OffsetDeleteResponse((OffsetDeleteResponseData) m));
        w.put(ApiKeys.DESCRIBE_GROUPS, (m, v) -> new DescribeGroupsResponse((DescribeGroupsResponseData) m));
        w.put(ApiKeys.LIST_GROUPS, (m, v) -> new ListGroupsResponse((ListGroupsResponseData) m));
        w.put(ApiKeys.DELETE_GROUPS, (m, v) -> new DeleteGroupsResponse((DeleteGroupsResponseData) m));
        w.put(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (m, v) ->
                new ConsumerGroupHeartbeatResponse((ConsumerGroupHeartbeatResponseData) m));
        w.put(ApiKeys.CONSUMER_GROUP_DESCRIBE, (m, v) ->
                new ConsumerGroupDescribeResponse((ConsumerGroupDescribeResponseData) m));
    }

    private static void transactionWrappers(Map<ApiKeys, BiFunction<ApiMessage, Short, AbstractResponse>> w) {
        w.put(ApiKeys.ADD_PARTITIONS_TO_TXN, (m, v) ->
                new AddPartitionsToTxnResponse((AddPartitionsToTxnResponseData) m));
        w.put(ApiKeys.ADD_OFFSETS_TO_TXN, (m, v) -> new AddOffsetsToTxnResponse((AddOffsetsToTxnResponseData) m));
        w.put(ApiKeys.END_TXN, (m, v) -> new EndTxnResponse((EndTxnResponseData) m));
        w.put(ApiKeys.TXN_OFFSET_COMMIT, (m, v) -> new TxnOffsetCommitResponse((TxnOffsetCommitResponseData) m));
        w.put(ApiKeys.DESCRIBE_TRANSACTIONS, (m, v) ->
                new DescribeTransactionsResponse((DescribeTransactionsResponseData) m));
        w.put(ApiKeys.LIST_TRANSACTIONS, (m, v) ->
                new ListTransactionsResponse((ListTransactionsResponseData) m));
        w.put(ApiKeys.DESCRIBE_PRODUCERS, (m, v) ->
                new DescribeProducersResponse((DescribeProducersResponseData) m));
    }
}
