package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.GroupConfig;
import io.surety.broker.config.TransactionConfig;
import io.surety.broker.log.FsyncLedger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator reopened on its journal keeps the reloaded members until {@link
 * GroupCoordinator#startTimers}, however long the broker takes to listen after the replay, and
 * then gives each a full session: live members must not be fenced for time in which they could not
 * reach the broker. Real threads and short sessions; each test runs in about three seconds.
 */
class GroupCoordinatorRestartIT {

    /** Long enough for a cold JVM to join and sync, short enough for a quick test. */
    private static final int SESSION_MS = 1_000;
    /** Longer than any session here: what a slow start between replay and listening may take. */
    private static final Duration SLOW_START = Duration.ofMillis(SESSION_MS * 3 / 2);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final GroupConfig CONFIG = BrokerConfig.of(Map.of(
            BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS, "100",
            BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS, "60000",
            BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0",
            BrokerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS, String.valueOf(SESSION_MS),
            BrokerConfig.GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS, String.valueOf(SESSION_MS),
            BrokerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, "100",
            BrokerConfig.GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS, "100")).groups();
    private static final TopicView NO_TOPICS = new TopicView() {
        @Override
        public Topic byName(String name) {
            return null;
        }

        @Override
        public Topic byId(Uuid id) {
            return null;
        }

        @Override
        public Collection<Topic> all() {
            return List.of();
        }
    };

    @TempDir
    Path dataDir;

    private ExecutorService loop;
    private ScheduledExecutorService scheduler;

    @BeforeEach
    void setUp() {
        loop = Executors.newSingleThreadExecutor();
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        scheduler.shutdownNow();
        loop.shutdownNow();
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldStartReloadedClassicSessionsOnlyWhenTimersStartWhenReopened() throws Exception {
        try (GroupCoordinator first = open()) {
            first.startTimers();
            joinClassicMember(first);
        }
        try (GroupCoordinator reopened = open()) {
            await("the reloaded member outlives a slow start").during(SLOW_START).atMost(SLOW_START.plus(GRACE))
                    .until(() -> classicMembers(reopened) == 1);
            reopened.startTimers();
            long startedNs = System.nanoTime();
            await("the reloaded member expires a session after the timers start").atMost(TIMEOUT)
                    .until(() -> classicMembers(reopened) == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - startedNs)).isGreaterThanOrEqualTo(Duration.ofMillis(SESSION_MS));
        }
    }

    @Test
    void shouldStartReloadedConsumerSessionsOnlyWhenTimersStartWhenReopened() throws Exception {
        try (GroupCoordinator first = open()) {
            first.startTimers();
            ConsumerGroupHeartbeatResponseData joined = first.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData()
                    .setGroupId("c").setMemberId(Uuid.randomUuid().toString()).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                    .setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of()), "client", "/127.0.0.1", (short) 1)
                    .get(10, TimeUnit.SECONDS);
            assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        }
        try (GroupCoordinator reopened = open()) {
            await("the reloaded member outlives a slow start").during(SLOW_START).atMost(SLOW_START.plus(GRACE))
                    .until(() -> consumerMembers(reopened) == 1);
            reopened.startTimers();
            long startedNs = System.nanoTime();
            await("the reloaded member is fenced a session after the timers start").atMost(TIMEOUT)
                    .until(() -> consumerMembers(reopened) == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - startedNs)).isGreaterThanOrEqualTo(Duration.ofMillis(SESSION_MS));
        }
    }

    private GroupCoordinator open() throws Exception {
        return GroupCoordinator.open(dataDir, FsyncLedger.NONE, CONFIG, TransactionConfig.defaults(), () -> 1L,
                (producerId, epoch, commit, partitions) -> java.util.concurrent.CompletableFuture.completedFuture(null),
                NO_TOPICS, Clock.systemUTC(), loop, scheduler);
    }

    /** Joins one dynamic member to classic group "g" with a {@value #SESSION_MS} ms session. */
    private static void joinClassicMember(GroupCoordinator coordinator) throws Exception {
        JoinGroupResponseData first = coordinator.joinGroup(joinRequest(""), "client", "/127.0.0.1", (short) 9)
                .get(10, TimeUnit.SECONDS);
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        JoinGroupResponseData joined = coordinator.joinGroup(joinRequest(first.memberId()), "client", "/127.0.0.1",
                (short) 9).get(10, TimeUnit.SECONDS);
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId("g").setMemberId(joined.memberId())
                .setGenerationId(joined.generationId()).setProtocolType("consumer").setProtocolName("range");
        sync.assignments().add(new SyncGroupRequestAssignment().setMemberId(joined.memberId()).setAssignment(new byte[] {1}));
        assertThat(Errors.forCode(coordinator.syncGroup(sync).get(10, TimeUnit.SECONDS).errorCode())).isEqualTo(Errors.NONE);
    }

    private static JoinGroupRequestData joinRequest(String memberId) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {1}));
        return new JoinGroupRequestData().setGroupId("g").setMemberId(memberId).setProtocolType("consumer")
                .setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(30_000).setProtocols(protocols);
    }

    private static int classicMembers(GroupCoordinator coordinator) throws Exception {
        return coordinator.describeGroups(List.of("g"), (short) 5).get(10, TimeUnit.SECONDS).get(0).members().size();
    }

    private static int consumerMembers(GroupCoordinator coordinator) throws Exception {
        return coordinator.consumerGroupDescribe(List.of("c"), (short) 0).get(10, TimeUnit.SECONDS).get(0).members().size();
    }
}
