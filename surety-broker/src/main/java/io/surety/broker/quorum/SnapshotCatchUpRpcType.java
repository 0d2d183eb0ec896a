package io.surety.broker.quorum;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.statemachine.SnapshotInfo;

/**
 * Ratis's gRPC transport with one correction to how a leader catches a follower up: when the
 * follower needs the first entry of the leader's log, and the entry before it is gone from the log
 * (purged after a snapshot) without being the snapshot's last, the leader sends its snapshot.
 *
 * <p>Why: Ratis sends a snapshot only to a follower that needs an entry before the log's start. A
 * follower that needs exactly the first one gets entries, and an append must name the term of the
 * entry before them, which the leader no longer knows; Ratis's appender for that follower then fails
 * and is never restarted. The case is common, not rare: Ratis starts a new log segment with every
 * term, and a stopped leader comes back with its log ending just before the next term's first entry,
 * so once the new leader has purged the segments before its term, the former leader could never
 * follow again, and a group that needed it for a majority committed nothing.
 *
 * <p>Selected by class name in Ratis's {@code raft.rpc.type} ({@link RatisQuorum}); Ratis builds it
 * by reflection, hence public with a public constructor.
 */
public final class SnapshotCatchUpRpcType implements RpcType {

    public SnapshotCatchUpRpcType() {
    }

    @Override
    public String name() {
        return SnapshotCatchUpRpcType.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    private static final class Factory extends GrpcFactory {

        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            return new Appender(server, state, follower);
        }
    }

    /** Ratis's gRPC appender, which also sends the snapshot when the follower's previous entry is gone. */
    private static final class Appender extends GrpcLogAppender {

        Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            super(server, state, follower);
        }

        @Override
        public SnapshotInfo shouldInstallSnapshot() {
            SnapshotInfo snapshot = super.shouldInstallSnapshot();
            if (snapshot != null) {
                return snapshot;
            }
            SnapshotInfo latest = getServer().getStateMachine().getLatestSnapshot();
            return latest != null && previousEntryGone(latest) ? latest : null;
        }

        /**
         * Whether the follower needs an entry this log holds but no append can carry it: the entry
         * before is neither in the log nor the last of {@code latest}, which covers the one needed.
         */
        private boolean previousEntryGone(SnapshotInfo latest) {
            long next = getFollower().getNextIndex();
            RaftLog log = getRaftLog();
            return next > RaftLog.LEAST_VALID_LOG_INDEX && next < log.getNextIndex()
                    && log.getTermIndex(next - 1) == null && latest.getIndex() >= next;
        }
    }
}
