package io.surety.broker.node;

import org.apache.kafka.common.TopicPartition;

/**
 * Where the replicas this node follows are fetched from: told by {@link ReplicaRoles} which leader
 * each followed partition has now, or that it is no longer followed.
 */
interface FollowerFetching {

    /** Fetch {@code tp} from {@code leaderId} in {@code leaderEpoch} from now on. */
    void follow(TopicPartition tp, int leaderId, int leaderEpoch);

    /** Stop fetching {@code tp} (this node leads it, or no longer hosts it, or it has no leader). */
    void stopFollowing(TopicPartition tp);

    FollowerFetching NONE = new FollowerFetching() {
        @Override
        public void follow(TopicPartition tp, int leaderId, int leaderEpoch) {
        }

        @Override
        public void stopFollowing(TopicPartition tp) {
        }
    };
}
