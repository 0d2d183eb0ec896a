package io.surety.broker.security;

import static io.surety.broker.security.SaslFrames.apiVersions;
import static io.surety.broker.security.SaslFrames.authenticate;
import static io.surety.broker.security.SaslFrames.handshake;
import static io.surety.broker.security.SaslFrames.metadata;
import static io.surety.broker.security.SaslFrames.plainToken;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.plain.internals.PlainServerCallbackHandler;
import org.junit.jupiter.api.Test;

/**
 * The SASL state machine, driven frame by frame with a manual clock (the nanosecond time handed to
 * each frame), PLAIN users from a JAAS entry as Kafka writes them. Every bad input of the SASL
 * exchange gets Kafka's answer: the error code, whether anything is answered, and when the
 * connection closes.
 */
class SaslAuthenticatorTest {

    private static final long DELAY_MS = 100;
    private static final int MAX_RECEIVE = 524_288;
    private static final String GOOD = "alice-secret";

    private final Events events = new Events();
    private long nowNs = TimeUnit.HOURS.toNanos(5);

    @Test
    void shouldAuthenticateAndServeEveryRequestWhenPlainPasswordIsRight() {
        SaslAuthenticator sasl = authenticator(0);
        assertThat(sasl.maxFrameBytes(100_000_000)).isEqualTo(MAX_RECEIVE);
        SaslHandshakeResponseData handshake = (SaslHandshakeResponseData) reply(sasl.onFrame(handshake((short) 1,
                "PLAIN", 1), nowNs), 1);
        assertThat(Errors.forCode(handshake.errorCode())).isEqualTo(Errors.NONE);
        assertThat(handshake.mechanisms()).containsExactly("PLAIN");

        SaslAuthenticateResponseData answer = (SaslAuthenticateResponseData) reply(sasl.onFrame(
                authenticate((short) 2, plainToken("alice", GOOD), 2), nowNs), 2);
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.NONE);
        assertThat(answer.sessionLifetimeMs()).as("no connections.max.reauth.ms: no expiry").isZero();
        assertThat(sasl.isAuthenticated()).isTrue();
        assertThat(sasl.principal()).isEqualTo(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice"));
        assertThat(sasl.mechanism()).isEqualTo("PLAIN");
        assertThat(sasl.maxFrameBytes(100_000_000)).isEqualTo(100_000_000);

        ByteBuffer request = metadata(3);
        assertThat(sasl.onFrame(request, nowNs + TimeUnit.DAYS.toNanos(30))).isInstanceOf(SaslStep.Dispatch.class);
        SaslFrames.assertUnread(request);
        assertThat(events.lines).containsExactly("succeeded PLAIN");
    }

    @Test
    void shouldServeApiVersionsFirstThenTheHandshakeWhenTheClientAsksForVersions() {
        SaslAuthenticator sasl = authenticator(0);
        ByteBuffer versions = apiVersions((short) 3, 1);
        assertThat(sasl.onFrame(versions, nowNs)).isInstanceOf(SaslStep.Dispatch.class);
        SaslFrames.assertUnread(versions);
        reply(sasl.onFrame(handshake((short) 1, "PLAIN", 2), nowNs), 2);
        reply(sasl.onFrame(authenticate((short) 1, plainToken("alice", GOOD), 3), nowNs), 3);
        assertThat(sasl.isAuthenticated()).isTrue();
    }

    @Test
    void shouldLetTheClientAskAgainWhenApiVersionsVersionIsUnsupported() {
        SaslAuthenticator sasl = authenticator(0);
        ByteBuffer tooNew = apiVersions((short) 3, 1);
        tooNew.putShort(2, (short) 99);
        assertThat(sasl.onFrame(tooNew, nowNs)).isInstanceOf(SaslStep.Dispatch.class);
        assertThat(sasl.onFrame(apiVersions((short) 3, 2), nowNs)).isInstanceOf(SaslStep.Dispatch.class);
        assertClosedNow(sasl.onFrame(apiVersions((short) 3, 3), nowNs));
    }

    @Test
    void shouldAnswerAuthenticationFailedWithTheSameMessageAndCloseAfterTheDelayWhenPasswordOrUserIsWrong() {
        List<String> messages = new ArrayList<>();
        for (String[] credentials : new String[][] {{"alice", "wrong"}, {"mallory", GOOD}}) {
            SaslAuthenticator sasl = authenticator(0);
            reply(sasl.onFrame(handshake((short) 1, "PLAIN", 1), nowNs), 1);
            SaslStep.Close close = closed(sasl.onFrame(authenticate((short) 2,
                    plainToken(credentials[0], credentials[1]), 2), nowNs));
            assertThat(close.delayMs()).isEqualTo(DELAY_MS);
            SaslAuthenticateResponseData answer = (SaslAuthenticateResponseData) close.answer().orElseThrow().body();
            assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED);
            assertThat(answer.errorMessage()).doesNotContain(credentials[1]);
            assertThat(close.reason()).doesNotContain(credentials[1]);
            messages.add(answer.errorMessage());
            assertThat(sasl.isAuthenticated()).isFalse();
            assertClosedNow(sasl.onFrame(metadata(3), nowNs));
        }
        assertThat(messages.get(0)).isEqualTo(messages.get(1));
        assertThat(events.lines).containsExactly("failed PLAIN", "failed PLAIN");
    }

    @Test
    void shouldAnswerUnsupportedMechanismWithTheEnabledListAndCloseWhenMechanismIsUnknown() {
        SaslAuthenticator sasl = authenticator(0);
        SaslStep.Close close = closed(sasl.onFrame(handshake((short) 1, "GSSAPI", 1), nowNs));
        assertThat(close.delayMs()).isEqualTo(DELAY_MS);
        SaslHandshakeResponseData answer = (SaslHandshakeResponseData) close.answer().orElseThrow().body();
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM);
        assertThat(answer.mechanisms()).containsExactly("PLAIN");
        assertThat(events.lines).containsExactly("failed none");
    }

    @Test
    void shouldCloseWithoutAnswerWhenAnotherApiComesBeforeTheHandshake() {
        assertClosedNow(authenticator(0).onFrame(metadata(1), nowNs));
        SaslAuthenticator afterVersions = authenticator(0);
        afterVersions.onFrame(apiVersions((short) 3, 1), nowNs);
        assertClosedNow(afterVersions.onFrame(metadata(2), nowNs));
    }

    @Test
    void shouldCloseWithoutAnswerWhenTheFrameIsGarbageOrTheHandshakeVersionIsUnsupported() {
        assertClosedNow(authenticator(0).onFrame(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(
                StandardCharsets.US_ASCII)), nowNs));
        assertClosedNow(authenticator(0).onFrame(ByteBuffer.allocate(1), nowNs));
        assertClosedNow(authenticator(0).onFrame(SaslFrames.handshakeAtVersion((short) 2, 1), nowNs));
        ByteBuffer cut = handshake((short) 1, "PLAIN", 1);
        assertClosedNow(authenticator(0).onFrame(cut.limit(cut.limit() - 2), nowNs));
    }

    @Test
    void shouldAnswerIllegalSaslStateAndCloseWhenAnotherRequestComesAfterTheHandshake() {
        SaslAuthenticator sasl = authenticator(0);
        reply(sasl.onFrame(handshake((short) 1, "PLAIN", 1), nowNs), 1);
        SaslStep.Close close = closed(sasl.onFrame(apiVersions((short) 3, 2), nowNs));
        assertThat(close.delayMs()).isEqualTo(DELAY_MS);
        assertThat(close.answer().orElseThrow().header().correlationId()).isEqualTo(2);
        ApiVersionsResponseData answer = (ApiVersionsResponseData) close.answer().orElseThrow().body();
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.ILLEGAL_SASL_STATE);

        SaslAuthenticator metadataAfter = authenticator(0);
        reply(metadataAfter.onFrame(handshake((short) 1, "PLAIN", 1), nowNs), 1);
        SaslStep.Close metadataClose = closed(metadataAfter.onFrame(metadata(2), nowNs));
        assertThat(metadataClose.answer().orElseThrow().body().apiKey()).isEqualTo(ApiKeys.METADATA.id);
    }

    @Test
    void shouldCarryTokensWithoutHeadersWhenHandshakeIsVersionZero() {
        SaslAuthenticator sasl = authenticator(0);
        reply(sasl.onFrame(handshake((short) 0, "PLAIN", 1), nowNs), 1);
        SaslStep step = sasl.onFrame(ByteBuffer.wrap(plainToken("alice", GOOD)), nowNs);
        assertThat(step).isInstanceOf(SaslStep.Token.class);
        assertThat(sasl.isAuthenticated()).isTrue();

        SaslAuthenticator wrong = authenticator(0);
        reply(wrong.onFrame(handshake((short) 0, "PLAIN", 1), nowNs), 1);
        SaslStep.Close close = closed(wrong.onFrame(ByteBuffer.wrap(plainToken("alice", "nope")), nowNs));
        assertThat(close.answer()).as("v0 has no way to say why").isEmpty();
        assertThat(close.delayMs()).isEqualTo(DELAY_MS);
    }

    @Test
    void shouldGiveTheSessionLifetimeAndCloseOnTheFirstRequestAfterExpiryWhenMaxReauthIsSet() {
        SaslAuthenticator sasl = authenticator(2_000);
        reply(sasl.onFrame(handshake((short) 1, "PLAIN", 1), nowNs), 1);
        SaslAuthenticateResponseData answer = (SaslAuthenticateResponseData) reply(sasl.onFrame(
                authenticate((short) 2, plainToken("alice", GOOD), 2), nowNs), 2);
        assertThat(answer.sessionLifetimeMs()).isEqualTo(2_000);
        long expiryNs = nowNs + TimeUnit.MILLISECONDS.toNanos(2_000);
        assertThat(sasl.onFrame(metadata(3), expiryNs)).as("at the expiry itself").isInstanceOf(SaslStep.Dispatch.class);
        assertClosedNow(sasl.onFrame(metadata(4), expiryNs + 1));
        assertThat(events.lines).containsExactly("succeeded PLAIN", "expired");
    }

    @Test
    void shouldReauthenticateAndRenewTheSessionWhenTheClientDoesSoBeforeExpiry() {
        SaslAuthenticator sasl = authenticated(2_000);
        nowNs += TimeUnit.MILLISECONDS.toNanos(1_700);
        reply(sasl.onFrame(handshake((short) 1, "PLAIN", 10), nowNs), 10);
        assertThat(sasl.isAuthenticated()).as("re-authenticating").isFalse();
        assertThat(sasl.maxFrameBytes(100_000_000)).isEqualTo(MAX_RECEIVE);
        SaslAuthenticateResponseData answer = (SaslAuthenticateResponseData) reply(sasl.onFrame(
                authenticate((short) 2, plainToken("alice", GOOD), 11), nowNs), 11);
        assertThat(answer.sessionLifetimeMs()).isEqualTo(2_000);
        assertThat(sasl.isAuthenticated()).isTrue();
        nowNs += TimeUnit.MILLISECONDS.toNanos(1_900);
        assertThat(sasl.onFrame(metadata(12), nowNs)).as("the renewed session").isInstanceOf(SaslStep.Dispatch.class);
        assertThat(events.lines).containsExactly("succeeded PLAIN", "reauthenticated PLAIN");
    }

    @Test
    void shouldServeTheHandshakeAsARequestWhenReauthenticationComesWithinASecondOfTheLast() {
        SaslAuthenticator sasl = authenticated(5_000);
        nowNs += TimeUnit.MILLISECONDS.toNanos(100);
        reauthenticate(sasl, "alice");
        nowNs += TimeUnit.MILLISECONDS.toNanos(999);
        ByteBuffer early = handshake((short) 1, "PLAIN", 20);
        assertThat(sasl.onFrame(early, nowNs)).as("its handler answers ILLEGAL_SASL_STATE")
                .isInstanceOf(SaslStep.Dispatch.class);
        SaslFrames.assertUnread(early);
        assertThat(sasl.isAuthenticated()).isTrue();
        nowNs += TimeUnit.MILLISECONDS.toNanos(1);
        reauthenticate(sasl, "alice");
    }

    @Test
    void shouldServeTheHandshakeAsARequestWhenTheSessionNeverExpires() {
        SaslAuthenticator sasl = authenticated(0);
        nowNs += TimeUnit.MINUTES.toNanos(10);
        assertThat(sasl.onFrame(handshake((short) 1, "PLAIN", 5), nowNs)).isInstanceOf(SaslStep.Dispatch.class);
        assertThat(sasl.isAuthenticated()).isTrue();
    }

    @Test
    void shouldFailAndCloseWhenReauthenticationIsAsAnotherPrincipal() {
        SaslAuthenticator sasl = authenticated(2_000);
        nowNs += TimeUnit.MILLISECONDS.toNanos(1_500);
        reply(sasl.onFrame(handshake((short) 1, "PLAIN", 10), nowNs), 10);
        SaslStep.Close close = closed(sasl.onFrame(authenticate((short) 2, plainToken("bob", "bob-secret"), 11), nowNs));
        SaslAuthenticateResponseData answer = (SaslAuthenticateResponseData) close.answer().orElseThrow().body();
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED);
        assertThat(answer.errorMessage()).contains("User:alice").contains("User:bob");
        assertThat(events.lines).containsExactly("succeeded PLAIN", "refailed PLAIN");
    }

    @Test
    void shouldFailAndCloseWhenReauthenticationIsWithAnotherMechanism() {
        Map<String, SaslMechanisms.ServerFactory> two = new LinkedHashMap<>();
        PlainServerCallbackHandler callbacks = new PlainServerCallbackHandler();
        callbacks.configure(Map.of(), "PLAIN", SaslFrames.plainUsers(Map.of("alice", GOOD)));
        two.put("PLAIN", () -> new PlainSaslServer(callbacks));
        two.put("OTHER", () -> new PlainSaslServer(callbacks));
        SaslAuthenticator sasl = new SaslAuthenticator(SaslMechanisms.of(two), new SaslSettings(DELAY_MS,
                Map.of("PLAIN", 2_000L, "OTHER", 2_000L), MAX_RECEIVE), events);
        reply(sasl.onFrame(handshake((short) 1, "PLAIN", 1), nowNs), 1);
        reply(sasl.onFrame(authenticate((short) 2, plainToken("alice", GOOD), 2), nowNs), 2);
        nowNs += TimeUnit.MILLISECONDS.toNanos(1_500);
        SaslHandshakeResponseData accepted = (SaslHandshakeResponseData) reply(sasl.onFrame(
                handshake((short) 1, "OTHER", 3), nowNs), 3);
        assertThat(Errors.forCode(accepted.errorCode())).isEqualTo(Errors.NONE);
        SaslStep.Close close = closed(sasl.onFrame(authenticate((short) 2, plainToken("alice", GOOD), 4), nowNs));
        assertThat(close.answer()).isEmpty();
        assertThat(close.delayMs()).isEqualTo(DELAY_MS);
        assertThat(close.reason()).contains("another SASL mechanism");
    }

    // ---------------------------------------------------------------- helpers

    private SaslAuthenticator authenticator(long maxReauthMs) {
        SaslMechanisms plain = SaslMechanisms.of(List.of("PLAIN"), Map.of("PLAIN",
                SaslFrames.plainUsers(Map.of("alice", GOOD, "bob", "bob-secret"))));
        return new SaslAuthenticator(plain, new SaslSettings(DELAY_MS, Map.of("PLAIN", maxReauthMs), MAX_RECEIVE),
                events);
    }

    private SaslAuthenticator authenticated(long maxReauthMs) {
        SaslAuthenticator sasl = authenticator(maxReauthMs);
        reply(sasl.onFrame(handshake((short) 1, "PLAIN", 1), nowNs), 1);
        reply(sasl.onFrame(authenticate((short) 2, plainToken("alice", GOOD), 2), nowNs), 2);
        return sasl;
    }

    private void reauthenticate(SaslAuthenticator sasl, String user) {
        reply(sasl.onFrame(handshake((short) 1, "PLAIN", 30), nowNs), 30);
        SaslAuthenticateResponseData answer = (SaslAuthenticateResponseData) reply(sasl.onFrame(
                authenticate((short) 2, plainToken(user, GOOD), 31), nowNs), 31);
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.NONE);
        assertThat(sasl.isAuthenticated()).isTrue();
    }

    private static org.apache.kafka.common.protocol.ApiMessage reply(SaslStep step, int correlationId) {
        assertThat(step).isInstanceOf(SaslStep.Reply.class);
        SaslStep.Reply reply = (SaslStep.Reply) step;
        assertThat(reply.header().correlationId()).isEqualTo(correlationId);
        return reply.body();
    }

    private static SaslStep.Close closed(SaslStep step) {
        assertThat(step).isInstanceOf(SaslStep.Close.class);
        return (SaslStep.Close) step;
    }

    private static void assertClosedNow(SaslStep step) {
        SaslStep.Close close = closed(step);
        assertThat(close.answer()).as("nothing answered").isEmpty();
        assertThat(close.delayMs()).as("closed at once").isZero();
    }

    /** What the authenticator reported, one line each. */
    private static final class Events implements AuthenticationEvents {
        final List<String> lines = new ArrayList<>();

        @Override
        public void succeeded(String mechanism, boolean reauthentication) {
            lines.add((reauthentication ? "reauthenticated " : "succeeded ") + mechanism);
        }

        @Override
        public void failed(String mechanism, boolean reauthentication) {
            lines.add((reauthentication ? "refailed " : "failed ") + mechanism);
        }

        @Override
        public void expired() {
            lines.add("expired");
        }
    }
}
