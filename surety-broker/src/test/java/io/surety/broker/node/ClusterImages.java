package io.surety.broker.node;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord;
import io.surety.broker.cluster.ClusterStateMachine;
import io.surety.broker.cluster.LeaderRecoveryState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/** Builds committed images for node unit tests by replaying records, one entry per call. Not thread-safe. */
final class ClusterImages {

    static final Uuid TOPIC_ID = new Uuid(7, 7);

    private final ClusterStateMachine state = new ClusterStateMachine();
    private long index;

    ClusterImages() {
        replay(new ClusterRecord.ClusterId("cluster"));
    }

    ClusterImage replay(ClusterRecord... records) {
        return state.replay(++index, List.of(records));
    }

    /** Registers broker {@code id} (fenced, as a new incarnation is); its epoch is the entry's index. */
    ClusterImage register(int id) {
        return replay(new ClusterRecord.RegisterBroker(id, Uuid.randomUuid(), ClusterRecord.UNASSIGNED_EPOCH,
                new Uuid(1, id), List.of(new ClusterRecord.Endpoint("PLAINTEXT", "h", 9092, (short) 0)),
                Optional.empty(), true, false, false));
    }

    ClusterImage unfence(int id) {
        return replay(new ClusterRecord.UnfenceBroker(id, state.image().broker(id).brokerEpoch()));
    }

    /** Topic "t" with one partition per leader given (-1: none), replicas 1..3, ISR {@code isr}. */
    ClusterImage topic(List<Integer> isr, int... leaders) {
        List<ClusterRecord> records = new ArrayList<>();
        records.add(new ClusterRecord.Topic("t", TOPIC_ID));
        for (int p = 0; p < leaders.length; p++) {
            records.add(new ClusterRecord.Partition(TOPIC_ID, p, List.of(1, 2, 3), isr, leaders[p],
                    LeaderRecoveryState.RECOVERED, 0, 0));
        }
        return replay(records.toArray(ClusterRecord[]::new));
    }

    ClusterImage image() {
        return state.image();
    }
}
