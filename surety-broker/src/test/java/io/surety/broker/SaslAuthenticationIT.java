package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SASL exchange on the wire, with raw frames against a running broker (PLAIN, sessions of
 * 1.5 s, failures answered after 300 ms): each bad input of the exchange gets Kafka's answer and
 * close, and a client that authenticates right is served afterwards.
 */
class SaslAuthenticationIT {

    private static final short HANDSHAKE_V1 = 1;
    private static final short AUTHENTICATE_V2 = 2;
    private static final long DELAY_MS = 300;
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(10);

    private static Path data;
    private static SuretyBroker broker;

    @BeforeAll
    static void start() throws IOException {
        data = Files.createTempDirectory("sasl-authentication-it");
        broker = SuretyBroker.builder().dataDir(data).configs(Map.of(
                "listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";",
                "connections.max.reauth.ms", "1500",
                "connection.failed.authentication.delay.ms", String.valueOf(DELAY_MS))).start();
    }

    @AfterAll
    static void stop() throws IOException {
        broker.close();
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    @Test
    void shouldCloseWithoutAnswerWhenAnotherApiGarbageAnUnsupportedHandshakeOrAnOverSizeFrameComesFirst() throws Exception {
        try (RawKafkaConnection connection = open()) {
            connection.send(RawKafkaConnection.frame(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData()));
            assertThat(connection.awaitClosedByBroker(CLOSED_WITHIN)).isZero();
        }
        try (RawKafkaConnection connection = open()) {
            connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(connection.awaitClosedByBroker(CLOSED_WITHIN)).isZero();
        }
        try (RawKafkaConnection connection = open()) {
            // SaslHandshake v2, a version no Kafka serves: header, then a PLAIN mechanism string.
            byte[] mechanism = "PLAIN".getBytes(StandardCharsets.UTF_8);
            ByteBuffer body = ByteBuffer.allocate(10 + 2 + mechanism.length).putShort(ApiKeys.SASL_HANDSHAKE.id)
                    .putShort((short) 2).putInt(1).putShort((short) -1).putShort((short) mechanism.length).put(mechanism);
            connection.send(ByteBuffer.allocate(4 + body.capacity()).putInt(body.capacity()).put(body.array()).array());
            assertThat(connection.awaitClosedByBroker(CLOSED_WITHIN)).isZero();
        }
        try (RawKafkaConnection connection = open()) {
            connection.send(ByteBuffer.allocate(8).putInt(524_289).putInt(0).array());
            assertThat(connection.awaitClosedByBroker(CLOSED_WITHIN)).as("nothing read past the size").isZero();
        }
        assertGoodClientServed();
    }

    @Test
    void shouldAnswerUnsupportedMechanismWithTheEnabledListAfterTheDelayAndClose() throws Exception {
        try (RawKafkaConnection connection = open()) {
            long startNs = System.nanoTime();
            SaslHandshakeResponseData answer = connection.call(ApiKeys.SASL_HANDSHAKE, HANDSHAKE_V1,
                    new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-256"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isGreaterThanOrEqualTo(DELAY_MS - 50);
            assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM);
            assertThat(answer.mechanisms()).containsExactly("PLAIN");
            assertThat(connection.awaitClosedByBroker(CLOSED_WITHIN)).isZero();
        }
        assertGoodClientServed();
    }

    @Test
    void shouldAnswerAuthenticationFailedAfterTheDelayAndCloseWhenThePasswordIsWrong() throws Exception {
        try (RawKafkaConnection connection = open()) {
            handshake(connection);
            long startNs = System.nanoTime();
            SaslAuthenticateResponseData answer = connection.call(ApiKeys.SASL_AUTHENTICATE, AUTHENTICATE_V2,
                    new SaslAuthenticateRequestData().setAuthBytes(plain("alice", "guess")));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isGreaterThanOrEqualTo(DELAY_MS - 50);
            assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED);
            assertThat(answer.errorMessage()).doesNotContain("guess");
            assertThat(connection.awaitClosedByBroker(CLOSED_WITHIN)).isZero();
        }
        assertGoodClientServed();
    }

    @Test
    void shouldAnswerIllegalSaslStateAndCloseWhenAnotherRequestComesAfterTheHandshake() throws Exception {
        try (RawKafkaConnection connection = open()) {
            handshake(connection);
            ApiVersionsResponseData answer = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"));
            assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.ILLEGAL_SASL_STATE);
            assertThat(connection.awaitClosedByBroker(CLOSED_WITHIN)).isZero();
        }
        assertGoodClientServed();
    }

    @Test
    void shouldAnswerIllegalSaslStateAndKeepTheConnectionWhenReauthenticationComesWithinASecond() throws Exception {
        try (RawKafkaConnection connection = open()) {
            authenticate(connection);
            authenticate(connection);
            SaslHandshakeResponseData early = connection.call(ApiKeys.SASL_HANDSHAKE, HANDSHAKE_V1,
                    new SaslHandshakeRequestData().setMechanism("PLAIN"));
            assertThat(Errors.forCode(early.errorCode())).isEqualTo(Errors.ILLEGAL_SASL_STATE);
            assertServed(connection);
        }
    }

    @Test
    void shouldCloseAClientThatNeverReauthenticatesOnItsFirstRequestAfterTheSession() throws Exception {
        try (RawKafkaConnection connection = open()) {
            SaslAuthenticateResponseData answer = authenticate(connection);
            assertThat(answer.sessionLifetimeMs()).isEqualTo(1500);
            assertServed(connection);
            long expiresNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> System.nanoTime() - expiresNs > 0);
            connection.send(RawKafkaConnection.frame(ApiKeys.API_VERSIONS, (short) 3, connection.nextCorrelationId(),
                    new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1")));
            assertThat(connection.awaitClosedByBroker(CLOSED_WITHIN)).as("nothing answered after expiry").isZero();
        }
        assertGoodClientServed();
    }

    // ---------------------------------------------------------------- helpers

    private static RawKafkaConnection open() throws IOException {
        return RawKafkaConnection.open(broker.port("SASL_PLAINTEXT"));
    }

    private static void handshake(RawKafkaConnection connection) throws IOException {
        SaslHandshakeResponseData answer = connection.call(ApiKeys.SASL_HANDSHAKE, HANDSHAKE_V1,
                new SaslHandshakeRequestData().setMechanism("PLAIN"));
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.NONE);
    }

    private static SaslAuthenticateResponseData authenticate(RawKafkaConnection connection) throws IOException {
        handshake(connection);
        SaslAuthenticateResponseData answer = connection.call(ApiKeys.SASL_AUTHENTICATE, AUTHENTICATE_V2,
                new SaslAuthenticateRequestData().setAuthBytes(plain("alice", "alice-secret")));
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.NONE);
        return answer;
    }

    private static void assertServed(RawKafkaConnection connection) throws IOException {
        ApiVersionsResponseData versions = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"));
        assertThat(Errors.forCode(versions.errorCode())).isEqualTo(Errors.NONE);
    }

    /** A new connection that authenticates right is served, whatever happened on the others. */
    private static void assertGoodClientServed() throws IOException {
        try (RawKafkaConnection connection = open()) {
            authenticate(connection);
            assertServed(connection);
        }
    }

    private static byte[] plain(String user, String password) {
        return ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }
}
