package io.surety.broker.node;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.cluster.TopicImage;
import java.util.List;

/**
 * The leader elections in one committed decision's records, for the controller's counters: a
 * partition change that names a leader (a new leader epoch, whoever leads in it) is one election;
 * it is unclean when that leader was not in the partition's ISR in the image the decision was
 * taken on (it leads from outside the ISR, as {@code ActiveController} reports). A change to "no
 * leader" elects nobody; a new partition's first leader is an assignment, not an election.
 *
 * @param elections every election, unclean ones included
 * @param unclean   the unclean ones
 */
record ElectionCount(int elections, int unclean) {

    static ElectionCount of(ClusterImage before, List<ClusterRecord> records) {
        int elections = 0;
        int unclean = 0;
        for (ClusterRecord record : records) {
            if (record instanceof ClusterRecord.PartitionChange change && change.leader().isPresent()
                    && change.leader().getAsInt() != ClusterImage.NO_LEADER) {
                elections++;
                TopicImage topic = before.topic(change.topicId());
                PartitionState state = topic == null ? null : topic.partition(change.partitionId());
                if (state != null && !state.isr().contains(change.leader().getAsInt())) {
                    unclean++;
                }
            }
        }
        return new ElectionCount(elections, unclean);
    }
}
