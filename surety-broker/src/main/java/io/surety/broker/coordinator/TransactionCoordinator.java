package io.surety.broker.coordinator;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction coordinator's requests, run as operations of the {@link GroupCoordinator}'s
 * thread and journal (see {@link TransactionStateMachine} for the protocol). Every future
 * completes once what its operation wrote is durable; EndTxn's once the transaction is complete.
 * Thread-safe: any thread may call; the work happens on the coordinator thread.
 */
public final class TransactionCoordinator {

    private final GroupCoordinator runtime;
    private final TransactionView view;

    TransactionCoordinator(GroupCoordinator runtime, TransactionView view) {
        this.runtime = runtime;
        this.view = view;
    }

    /** What the produce path checks a transactional batch against. */
    public TransactionView view() {
        return view;
    }

    /** InitProducerId with a non-null transactional id. */
    public CompletableFuture<InitProducerIdResponseData> initProducerId(InitProducerIdRequestData request) {
        return runtime.submit((ctx, live, future) -> live.transactions().initProducerId(ctx, request, future));
    }

    /** AddPartitionsToTxn, client form, for partitions that exist. */
    public CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short epoch,
            Collection<TopicPartition> partitions) {
        return runtime.submit((ctx, live, future) -> ctx.respond(future,
                live.transactions().addPartitions(ctx, transactionalId, producerId, epoch, partitions)));
    }

    /** AddPartitionsToTxn v4+ with verifyOnly: which partitions the transaction includes. */
    public CompletableFuture<Map<TopicPartition, Errors>> verifyPartitions(String transactionalId, long producerId,
            short epoch, Collection<TopicPartition> partitions) {
        return runtime.submit((ctx, live, future) -> ctx.respond(future,
                live.transactions().verify(transactionalId, producerId, epoch, partitions)));
    }

    public CompletableFuture<Errors> addOffsets(String transactionalId, long producerId, short epoch, String groupId) {
        return runtime.submit((ctx, live, future) -> ctx.respond(future,
                live.transactions().addOffsets(ctx, transactionalId, producerId, epoch, groupId)));
    }

    /** EndTxn; completes when the transaction is complete (markers durable), or at once with an error. */
    public CompletableFuture<Errors> endTxn(String transactionalId, long producerId, short epoch, boolean commit) {
        return runtime.submit((ctx, live, future) -> live.transactions().endTxn(ctx, transactionalId, producerId, epoch, commit, future));
    }

    public CompletableFuture<TxnOffsetCommitResponseData> txnOffsetCommit(TxnOffsetCommitRequestData request,
            short version) {
        return runtime.submit((ctx, live, future) -> ctx.respond(future, live.txnOffsets().commit(ctx, request, version)));
    }

    public CompletableFuture<List<DescribeTransactionsResponseData.TransactionState>> describe(
            List<String> transactionalIds) {
        return runtime.submit((ctx, live, future) -> ctx.respond(future, live.admin().describe(transactionalIds)));
    }

    public CompletableFuture<ListTransactionsResponseData> list(ListTransactionsRequestData request) {
        return runtime.submit((ctx, live, future) -> ctx.respond(future, live.admin().list(request, ctx.nowMs())));
    }
}
