package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TransactionViewTest {

    private static TransactionSnapshot snapshot(TransactionStatus status) {
        return new TransactionSnapshot("txn-a", 7, -1, (short) 0, (short) -1, 60_000, status,
                List.of(new TopicPartition("t", 0)), List.of(), 1L, 2L);
    }

    @Test
    void shouldCountOngoingAndReportEachAbortOnceWhenTheStateIsPublished() {
        TransactionView view = new TransactionView();
        List<String> aborts = new ArrayList<>();
        view.onAbort((id, producerId, epoch) -> aborts.add(id + "/" + producerId + "/" + epoch));

        view.publish("txn-a", snapshot(TransactionStatus.ONGOING));
        assertThat(view.ongoingCount()).isEqualTo(1);

        view.publish("txn-a", snapshot(TransactionStatus.PREPARE_ABORT));
        view.publish("txn-a", snapshot(TransactionStatus.PREPARE_ABORT));
        assertThat(view.ongoingCount()).isZero();

        view.publish("txn-a", snapshot(TransactionStatus.COMPLETE_ABORT));
        view.publish("txn-a", snapshot(TransactionStatus.ONGOING));
        view.publish("txn-a", snapshot(TransactionStatus.PREPARE_COMMIT));

        assertThat(aborts).containsExactly("txn-a/7/0");
        assertThat(view.ongoingCount()).isZero();
    }
}
