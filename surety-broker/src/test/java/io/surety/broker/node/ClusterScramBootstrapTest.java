package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.api.ClusterView;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord;
import io.surety.broker.cluster.ClusterStateMachine;
import io.surety.broker.security.ScramBootstrap;
import io.surety.broker.security.ScramUsers;
import io.surety.broker.security.SecurityChange;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --add-scram} on a cluster node against a controller that commits into a real state
 * machine: the user is proposed until a controller takes it (the first attempts find none), and a
 * user the metadata already has is never proposed again, so a changed password stays changed.
 */
class ClusterScramBootstrapTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ClusterStateMachine metadata = new ClusterStateMachine();
    private final AtomicInteger refusalsLeft = new AtomicInteger();
    private final List<AlterUserScramCredentialsRequestData> proposed = new ArrayList<>();
    private long index;

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** A controller that refuses while {@link #refusalsLeft} lasts, then decides and commits as the real one. */
    private final ClusterView cluster = new ClusterView() {
        @Override
        public synchronized ClusterImage image() {
            return metadata.image();
        }

        @Override
        public int nodeId() {
            return 1;
        }

        @Override
        public OptionalInt activeControllerId() {
            return OptionalInt.empty();
        }

        @Override
        public OptionalInt coordinatorId() {
            return OptionalInt.empty();
        }

        @Override
        public synchronized CompletableFuture<ApiMessage> sendToController(ApiKeys api, ApiMessage request) {
            if (refusalsLeft.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new NotControllerException("no controller yet"));
            }
            AlterUserScramCredentialsRequestData alter = (AlterUserScramCredentialsRequestData) request;
            proposed.add(alter);
            var security = metadata.image().security();
            SecurityChange<AlterUserScramCredentialsResponseData> change = ScramUsers.decide(alter,
                    (mechanism, user) -> security.hasScram(user, mechanism.type()));
            metadata.replay(++index, change.records().stream().<ClusterRecord>map(ClusterRecord.Security::new).toList());
            return CompletableFuture.completedFuture(change.answer());
        }
    };

    private boolean has(String user) {
        return cluster.image().security().hasScram(user, (byte) 1);
    }

    @Test
    void shouldProposeTheUserUntilAControllerCommitsItAndNeverAgainOnceThere() {
        metadata.replay(++index, List.of(new ClusterRecord.ClusterId("c")));
        refusalsLeft.set(2);
        ClusterScramBootstrap.start(cluster, timer, List.of(ScramBootstrap.parse("SCRAM-SHA-256=[name=admin,password=a]")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> has("admin"));
        assertThat(refusalsLeft.get()).as("both refusals were retried past").isNegative();
        byte[] salt = cluster.image().security().scram().values().iterator().next().salt();

        ClusterScramBootstrap.start(cluster, timer, List.of(ScramBootstrap.parse("SCRAM-SHA-256=[name=admin,password=b]"),
                ScramBootstrap.parse("SCRAM-SHA-256=[name=ops,password=o]")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> has("ops"));
        assertThat(cluster.image().security().scram().values().iterator().next().salt())
                .as("admin's credential is the first one").isEqualTo(salt);
        assertThat(proposed.get(proposed.size() - 1).upsertions()).extracting(u -> u.name()).containsExactly("ops");
    }
}
