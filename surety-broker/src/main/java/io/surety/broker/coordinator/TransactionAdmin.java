package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeTransactions and ListTransactions: read-only views of the transaction store, as Kafka's
 * TransactionStateManager gives them. Runs on the coordinator thread.
 */
final class TransactionAdmin {

    private final TransactionStore store;

    TransactionAdmin(TransactionStore store) {
        this.store = store;
    }

    List<DescribeTransactionsResponseData.TransactionState> describe(List<String> transactionalIds) {
        List<DescribeTransactionsResponseData.TransactionState> out = new ArrayList<>();
        for (String id : transactionalIds) {
            DescribeTransactionsResponseData.TransactionState state = new DescribeTransactionsResponseData.TransactionState()
                    .setTransactionalId(id);
            TransactionSnapshot txn = id == null ? null : store.get(id);
            if (txn == null) {
                out.add(state.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code()).setTransactionState("")
                        .setProducerId(-1).setProducerEpoch((short) -1).setTransactionStartTimeMs(-1));
                continue;
            }
            Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
            for (TopicPartition tp : txn.partitions()) {
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
            }
            byTopic.forEach((topic, partitions) -> state.topics().add(new TopicData().setTopic(topic).setPartitions(partitions)));
            out.add(state.setErrorCode(Errors.NONE.code()).setTransactionState(txn.status().kafkaName())
                    .setTransactionTimeoutMs(txn.timeoutMs()).setTransactionStartTimeMs(txn.startTimestampMs())
                    .setProducerId(txn.producerId()).setProducerEpoch(txn.producerEpoch()));
        }
        return out;
    }

    ListTransactionsResponseData list(ListTransactionsRequestData request, long nowMs) {
        ListTransactionsResponseData response = new ListTransactionsResponseData().setErrorCode(Errors.NONE.code());
        Set<TransactionStatus> states = new HashSet<>();
        for (String name : request.stateFilters()) {
            TransactionStatus status = TransactionStatus.byKafkaName(name);
            if (status == null) {
                response.unknownStateFilters().add(name);
            } else {
                states.add(status);
            }
        }
        Pattern pattern = null;
        String regex = request.transactionalIdPattern();
        if (regex != null && !regex.isEmpty()) {
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                return response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code());
            }
        }
        Set<Long> producerIds = new HashSet<>(request.producerIdFilters());
        for (TransactionSnapshot txn : store.all()) {
            if (!producerIds.isEmpty() && !producerIds.contains(txn.producerId())) {
                continue;
            }
            if (!request.stateFilters().isEmpty() && !states.contains(txn.status())) {
                continue;
            }
            if (request.durationFilter() >= 0 && nowMs - txn.startTimestampMs() <= request.durationFilter()) {
                continue;
            }
            if (pattern != null && !pattern.matcher(txn.transactionalId()).matches()) {
                continue;
            }
            response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(txn.transactionalId()).setProducerId(txn.producerId())
                    .setTransactionState(txn.status().kafkaName()));
        }
        return response;
    }
}
