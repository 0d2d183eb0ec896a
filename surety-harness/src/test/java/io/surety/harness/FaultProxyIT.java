package io.surety.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultProxyIT {

    private static final short PRODUCE = 0;
    private static final short FETCH = 1;
    private static final short METADATA = 3;

    private LoopbackServer upstream;
    private FaultProxy proxy;

    @AfterEach
    void tearDown() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void shouldForwardEveryByteBothWaysWhenNoFaultIsInjected() throws Exception {
        upstream = LoopbackServer.echo();
        proxy = FaultProxy.start("127.0.0.1", upstream.port());
        byte[] sent = new byte[1 << 20];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31 + i / 251);
        }

        byte[] received;
        try (FrameClient client = new FrameClient(proxy.port())) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(client, sent));
            received = client.input().readNBytes(sent.length);
            writer.join();
        }

        assertThat(received).isEqualTo(sent);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(proxy.bytesToUpstream()).isEqualTo(sent.length);
            assertThat(proxy.bytesToClients()).isEqualTo(sent.length);
        });
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void shouldHoldTrafficWhenBlackHoledAndDeliverItWhenHealed() throws Exception {
        upstream = LoopbackServer.kafkaLike();
        proxy = FaultProxy.start("127.0.0.1", upstream.port());
        try (FrameClient client = new FrameClient(proxy.port())) {
            client.send(METADATA, 1);
            assertThat(client.receive().correlationId()).isEqualTo(1);

            proxy.blackHole();
            client.send(METADATA, 2);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> upstream.requestCorrelationIds().size() == 1);
            assertThat(proxy.openConnections()).isEqualTo(1);

            proxy.heal();
            assertThat(client.receive().correlationId()).isEqualTo(2);
        }
        assertThat(upstream.requestCorrelationIds()).containsExactly(1, 2);
    }

    @Test
    void shouldNotConnectUpstreamWhenBlackHoledUntilHealed() throws Exception {
        upstream = LoopbackServer.kafkaLike();
        proxy = FaultProxy.start("127.0.0.1", upstream.port());
        proxy.blackHole();
        try (FrameClient client = new FrameClient(proxy.port())) {
            client.send(METADATA, 7);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> upstream.requestCorrelationIds().isEmpty());

            proxy.heal();
            assertThat(client.receive().correlationId()).isEqualTo(7);
        }
    }

    @Test
    void shouldResetClientConnectionWhenResetAll() throws Exception {
        upstream = LoopbackServer.kafkaLike();
        proxy = FaultProxy.start("127.0.0.1", upstream.port());
        try (FrameClient client = new FrameClient(proxy.port())) {
            client.send(METADATA, 1);
            assertThat(client.receive().correlationId()).isEqualTo(1);

            proxy.resetAll();

            assertThatThrownBy(() -> client.input().read())
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
    }

    @Test
    void shouldSwallowExactlyCountResponsesAndCloseWhenDroppingResponsesToApiKey() throws Exception {
        upstream = LoopbackServer.kafkaLike();
        proxy = FaultProxy.start("127.0.0.1", upstream.port());
        proxy.dropResponses(PRODUCE, 2);

        try (FrameClient client = new FrameClient(proxy.port())) {
            client.send(METADATA, 1);
            assertThat(client.receive().correlationId()).isEqualTo(1);
            client.send(PRODUCE, 2);
            assertConnectionEnds(client.input());
        }
        try (FrameClient client = new FrameClient(proxy.port())) {
            client.send(PRODUCE, 3);
            assertConnectionEnds(client.input());
        }
        try (FrameClient client = new FrameClient(proxy.port())) {
            client.send(PRODUCE, 4);
            assertThat(client.receive().correlationId()).isEqualTo(4);
        }

        assertThat(proxy.responsesDropped()).isEqualTo(2);
        assertThat(upstream.requestCorrelationIds()).containsExactly(1, 2, 3, 4);
        assertThat(proxy.connectionsAccepted()).isEqualTo(3);
    }

    @Test
    void shouldForwardOtherResponsesWhenDroppingWithoutClosing() throws Exception {
        upstream = LoopbackServer.kafkaLike();
        proxy = FaultProxy.builder("127.0.0.1", upstream.port()).closeAfterDroppedResponse(false).start();
        proxy.dropResponses(PRODUCE, 2);

        try (FrameClient client = new FrameClient(proxy.port())) {
            client.send(PRODUCE, 1);
            client.send(FETCH, 2);
            client.send(PRODUCE, 3);
            client.send(PRODUCE, 4);
            client.send(FETCH, 5);

            assertThat(client.receive().correlationId()).isEqualTo(2);
            assertThat(client.receive().correlationId()).isEqualTo(4);
            FrameClient.Response last = client.receive();
            assertThat(last.correlationId()).isEqualTo(5);
            assertThat(last.body()).containsExactly(1, 2, 3);
        }
        assertThat(proxy.responsesDropped()).isEqualTo(2);
        assertThat(upstream.requestCorrelationIds()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void shouldDelayEachDirectionWhenDelayIsInjected() throws Exception {
        upstream = LoopbackServer.kafkaLike();
        proxy = FaultProxy.start("127.0.0.1", upstream.port());
        Duration delay = Duration.ofMillis(200);
        try (FrameClient client = new FrameClient(proxy.port())) {
            proxy.delay(delay);
            long startNs = System.nanoTime();
            client.send(METADATA, 1);
            assertThat(client.receive().correlationId()).isEqualTo(1);
            Duration roundTrip = Duration.ofNanos(System.nanoTime() - startNs);

            assertThat(roundTrip).isGreaterThanOrEqualTo(delay.multipliedBy(2));
        }
    }

    @Test
    void shouldResetNewConnectionsWhenRefusingAndAcceptThemAgainWhenAllowed() throws Exception {
        upstream = LoopbackServer.kafkaLike();
        proxy = FaultProxy.start("127.0.0.1", upstream.port());
        try (FrameClient open = new FrameClient(proxy.port())) {
            open.send(METADATA, 0);
            assertThat(open.receive().correlationId()).isEqualTo(0);
            proxy.refuseConnections(true);
            try (FrameClient refused = new FrameClient(proxy.port())) {
                assertConnectionEnds(refused.input());
            }
            open.send(METADATA, 1);
            assertThat(open.receive().correlationId()).isEqualTo(1);

            proxy.refuseConnections(false);
            try (FrameClient accepted = new FrameClient(proxy.port())) {
                accepted.send(METADATA, 2);
                assertThat(accepted.receive().correlationId()).isEqualTo(2);
            }
        }
        assertThat(proxy.connectionsRefused()).isEqualTo(1);
        assertThat(proxy.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void shouldEndEveryThreadWhenClosed() throws Exception {
        upstream = LoopbackServer.kafkaLike();
        proxy = FaultProxy.builder("127.0.0.1", upstream.port()).name("leak-check").start();
        FrameClient idle = new FrameClient(proxy.port());
        FrameClient held = new FrameClient(proxy.port());
        idle.send(METADATA, 1);
        assertThat(idle.receive().correlationId()).isEqualTo(1);
        proxy.blackHole();
        held.send(METADATA, 2);
        FrameClient waiting = new FrameClient(proxy.port());
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 3);

        proxy.close();

        assertThat(Thread.getAllStackTraces().keySet())
            .noneMatch(thread -> thread.getName().startsWith("fault-proxy-leak-check-") && thread.isAlive());
        assertConnectionEnds(idle.input());
        idle.close();
        held.close();
        waiting.close();
    }

    private static void assertConnectionEnds(InputStream in) {
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (SocketException e) {
            assertThat(e).hasMessageContaining("reset");
        } catch (IOException e) {
            throw new AssertionError("expected the connection to end, got " + e, e);
        }
    }

    private static void write(FrameClient client, byte[] bytes) {
        try {
            for (int offset = 0; offset < bytes.length; offset += 10_000) {
                client.output().write(Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + 10_000)));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
