package io.surety.broker.replication;

import io.surety.broker.partition.Partition;

/**
 * A partition a {@link ReplicaFetcher} starts (or restarts) copying from its leader: the local
 * replica, already made a follower of that leader ({@link io.surety.broker.partition.Replication#becomeFollower}),
 * and the leader epoch the metadata names, sent as the fetch's current leader epoch. Where to fetch
 * from is not part of it: a follower always fetches from its log end.
 */
public record FetchStart(Partition partition, int leaderEpoch) {
}
