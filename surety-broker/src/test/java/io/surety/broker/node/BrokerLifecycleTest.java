package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.LogCapture;
import io.surety.broker.quorum.RatisQuorum;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrokerLifecycleTest {

    private static final long HEARTBEAT_INTERVAL_MS = 10;
    private static final long SESSION_TIMEOUT_MS = 300;

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService publisher = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopThreads() {
        thread.shutdownNow();
        publisher.shutdownNow();
    }

    @Test
    void shouldGiveARequestAThirdOfTheSessionWithinBoundsWhenAskingTheController() {
        assertThat(BrokerLifecycle.requestTimeoutMs(9_000)).as("Kafka's default session").isEqualTo(3_000);
        assertThat(BrokerLifecycle.requestTimeoutMs(2_000)).isEqualTo(BrokerLifecycle.MIN_REQUEST_TIMEOUT_MS);
        assertThat(BrokerLifecycle.requestTimeoutMs(60_000)).isEqualTo(RatisQuorum.REQUEST_TIMEOUT_MS);
    }

    @Test
    void shouldAskAgainWhenTheControllerNeverAnswersARequest() {
        AtomicInteger sent = new AtomicInteger();
        BrokerLifecycle lifecycle = lifecycle(request -> sent.incrementAndGet() == 1
                ? new CompletableFuture<>() // lost in a leader change: never completes
                : CompletableFuture.completedFuture(ControllerMessages.answer(
                        new BrokerRegistrationResponseData().setBrokerEpoch(42), ApiKeys.BROKER_REGISTRATION.latestVersion())));

        lifecycle.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.brokerEpoch() == 42);
        assertThat(sent.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldKeepSendingWhenSendingARequestThrows() {
        AtomicInteger sent = new AtomicInteger();
        BrokerLifecycle lifecycle = lifecycle(request -> {
            if (sent.incrementAndGet() == 1) {
                throw new IllegalStateException("the quorum client is closing");
            }
            return CompletableFuture.completedFuture(ControllerMessages.answer(
                    new BrokerRegistrationResponseData().setBrokerEpoch(7), ApiKeys.BROKER_REGISTRATION.latestVersion()));
        });

        lifecycle.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.brokerEpoch() == 7);
    }

    @Test
    void shouldSayOnceThatAnotherNodeHasItsIdWhileTheRegistrationIsRefused() {
        AtomicInteger sent = new AtomicInteger();
        try (LogCapture log = LogCapture.attach(BrokerLifecycle.class.getName(), true)) {
            BrokerLifecycle lifecycle = lifecycle(request -> CompletableFuture.completedFuture(ControllerMessages.answer(
                    sent.incrementAndGet() <= 5
                            ? new BrokerRegistrationResponseData().setErrorCode(Errors.DUPLICATE_BROKER_REGISTRATION.code())
                                    .setBrokerEpoch(-1)
                            : new BrokerRegistrationResponseData().setBrokerEpoch(3),
                    ApiKeys.BROKER_REGISTRATION.latestVersion())));

            lifecycle.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.brokerEpoch() == 3);
            assertThat(log.keptWarnings()).singleElement().asString()
                    .contains("DUPLICATE_BROKER_REGISTRATION").contains("another running node has node.id 1");
        }
    }

    private BrokerLifecycle lifecycle(Function<byte[], CompletableFuture<byte[]>> controller) {
        return new BrokerLifecycle(1, "test-cluster", Uuid.randomUuid(), Uuid.randomUuid(), false, List.of(),
                HEARTBEAT_INTERVAL_MS, SESSION_TIMEOUT_MS, new MetadataStateMachine(publisher), controller, thread);
    }
}
