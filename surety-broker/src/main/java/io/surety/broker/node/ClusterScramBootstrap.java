package io.surety.broker.node;

import io.surety.broker.api.ClusterView;
import io.surety.broker.security.ScramBootstrap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --add-scram} on a cluster node: each user the committed metadata has no credential for
 * (for that mechanism) is proposed to the active controller, once a second until it is committed,
 * so the node can start before the quorum has a leader. A user the metadata already has is left
 * alone, so a restart with the same flag never undoes a password changed since; two nodes adding
 * the same new user at once may both write it, with the same password. Runs on the given timer.
 */
public final class ClusterScramBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterScramBootstrap.class);
    private static final long RETRY_MS = 1_000;

    private final ClusterView cluster;
    private final ScheduledExecutorService timer;
    private final List<ScramBootstrap> pending;
    private volatile boolean stopped;

    private ClusterScramBootstrap(ClusterView cluster, ScheduledExecutorService timer, List<ScramBootstrap> users) {
        this.cluster = cluster;
        this.timer = timer;
        this.pending = new ArrayList<>(users);
    }

    /** Starts adding {@code users} in the background; {@link #stop} ends it. */
    public static ClusterScramBootstrap start(ClusterView cluster, ScheduledExecutorService timer, List<ScramBootstrap> users) {
        ClusterScramBootstrap bootstrap = new ClusterScramBootstrap(cluster, timer, users);
        if (!users.isEmpty()) {
            timer.execute(bootstrap::attempt);
        }
        return bootstrap;
    }

    public void stop() {
        stopped = true;
    }

    private void attempt() {
        if (stopped) {
            return;
        }
        pending.removeIf(user -> cluster.image().security().hasScram(user.name(), user.mechanism().type()));
        if (pending.isEmpty()) {
            return;
        }
        AlterUserScramCredentialsRequestData request = new AlterUserScramCredentialsRequestData();
        pending.forEach(user -> request.upsertions().add(user.toUpsertion()));
        cluster.sendToController(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, request).whenComplete((answer, failure) -> {
            if (failure == null) {
                for (var result : ((AlterUserScramCredentialsResponseData) answer).results()) {
                    if (result.errorCode() == Errors.NONE.code()) {
                        LOG.info("Added SCRAM user {} to the cluster (--add-scram)", result.user());
                    } else {
                        LOG.warn("--add-scram: the controller refused SCRAM user {}: {}", result.user(), result.errorMessage());
                    }
                }
                pending.clear();
            } else if (!stopped) {
                timer.schedule(this::attempt, RETRY_MS, TimeUnit.MILLISECONDS);
            }
        });
    }
}
