package io.surety.broker.security;

import static io.surety.broker.security.SaslFrames.authenticate;
import static io.surety.broker.security.SaslFrames.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.log.FsyncLedger;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.SaslClient;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 through the authenticator, with kafka-clients' own SCRAM client
 * on the other side and the users in the durable security store: the full exchange, a wrong
 * password and an unknown user (the same generic answer), a user removed, and what the store keeps.
 */
class ScramAuthenticationTest {

    private static final long DELAY_MS = 100;

    private final ScramCredentials credentials = new ScramCredentials();
    private final long nowNs = TimeUnit.HOURS.toNanos(1);
    private SecurityStore securityStore;
    private ScramUsers store;

    @BeforeEach
    void openStore(@TempDir Path dataDir) throws IOException {
        securityStore = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(credentials));
        store = new ScramUsers(securityStore, credentials);
    }

    @AfterEach
    void closeStore() throws IOException {
        securityStore.close();
    }

    @Test
    void shouldAuthenticateWithEitherScramMechanismWhenThePasswordIsRight() throws Exception {
        for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
            store.put(mechanism, "carol", "carol-secret", 4096);
            SaslAuthenticator sasl = authenticator(mechanism);
            SaslClient client = client(mechanism, "carol", "carol-secret");
            assertThat(exchange(sasl, client, mechanism).errorCode()).as(mechanism).isEqualTo(Errors.NONE.code());
            assertThat(client.isComplete()).as("the client verified the server's signature").isTrue();
            assertThat(sasl.isAuthenticated()).isTrue();
            assertThat(sasl.principal()).isEqualTo(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "carol"));
        }
    }

    @Test
    void shouldAnswerTheSameGenericFailureWhenPasswordIsWrongOrUserUnknown() throws Exception {
        store.put("SCRAM-SHA-512", "carol", "carol-secret", 8192);
        SaslAuthenticateResponseData wrongPassword = exchange(authenticator("SCRAM-SHA-512"),
                client("SCRAM-SHA-512", "carol", "not-carols"), "SCRAM-SHA-512");
        SaslAuthenticateResponseData unknownUser = exchange(authenticator("SCRAM-SHA-512"),
                client("SCRAM-SHA-512", "dave", "carol-secret"), "SCRAM-SHA-512");

        assertThat(Errors.forCode(wrongPassword.errorCode())).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED);
        assertThat(Errors.forCode(unknownUser.errorCode())).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED);
        assertThat(wrongPassword.errorMessage()).isEqualTo(unknownUser.errorMessage())
                .doesNotContain("carol").doesNotContain("dave");
    }

    @Test
    void shouldRefuseAUserOnceRemovedAndAMechanismTheUserHasNoCredentialFor() throws Exception {
        store.put("SCRAM-SHA-256", "carol", "carol-secret", 4096);
        assertThat(remove("SCRAM-SHA-256", "carol")).isEqualTo(Errors.NONE);
        assertThat(remove("SCRAM-SHA-256", "carol")).isEqualTo(Errors.RESOURCE_NOT_FOUND);
        assertThat(exchange(authenticator("SCRAM-SHA-256"), client("SCRAM-SHA-256", "carol", "carol-secret"),
                "SCRAM-SHA-256").errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());

        store.put("SCRAM-SHA-512", "erin", "erin-secret", 4096);
        assertThat(exchange(authenticator("SCRAM-SHA-256"), client("SCRAM-SHA-256", "erin", "erin-secret"),
                "SCRAM-SHA-256").errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
    }

    @Test
    void shouldKeepOnlySaltAndKeysAndRefuseIterationsKafkaRefuses() throws IOException {
        store.put("SCRAM-SHA-256", "carol", "carol-secret", 4096);
        ScramCredential stored = credentials.credential("SCRAM-SHA-256", "carol").orElseThrow();
        assertThat(stored.iterations()).isEqualTo(4096);
        assertThat(stored.salt()).isNotEmpty();
        assertThat(new String(stored.storedKey(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("carol-secret");
        assertThat(credentials.credential("SCRAM-SHA-512", "carol")).isEmpty();

        assertThatThrownBy(() -> store.put("SCRAM-SHA-256", "carol", "x", 4095))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4096");
        assertThatThrownBy(() -> store.put("SCRAM-SHA-256", "carol", "x", 16385))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16384");
        assertThatThrownBy(() -> store.put("SCRAM-SHA-256", "", "x", 4096))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put("PLAIN", "carol", "x", 4096))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- helpers

    private Errors remove(String mechanism, String user) throws IOException {
        AlterUserScramCredentialsRequestData request = new AlterUserScramCredentialsRequestData();
        request.deletions().add(new AlterUserScramCredentialsRequestData.ScramCredentialDeletion()
                .setName(user).setMechanism(org.apache.kafka.clients.admin.ScramMechanism.fromMechanismName(mechanism).type()));
        return Errors.forCode(store.alter(request).results().get(0).errorCode());
    }

    private SaslAuthenticator authenticator(String mechanism) {
        return new SaslAuthenticator(SaslMechanisms.of(List.of(mechanism), Map.of(), credentials),
                new SaslSettings(DELAY_MS, Map.of(), 524_288), AuthenticationEvents.NONE);
    }

    private static SaslClient client(String mechanism, String user, String password) throws Exception {
        return new ScramSaslClient(ScramMechanism.forMechanismName(mechanism), (Callback[] callbacks) -> {
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    name.setName(user);
                } else if (callback instanceof PasswordCallback secret) {
                    secret.setPassword(password.toCharArray());
                }
            }
        });
    }

    /**
     * Runs the exchange until the server answers an error or the client has nothing more to send;
     * returns the server's last SaslAuthenticate answer.
     */
    private SaslAuthenticateResponseData exchange(SaslAuthenticator sasl, SaslClient client, String mechanism)
            throws Exception {
        SaslStep handshakeStep = sasl.onFrame(handshake((short) 1, mechanism, 1), nowNs);
        assertThat(handshakeStep).isInstanceOf(SaslStep.Reply.class);
        byte[] token = client.evaluateChallenge(new byte[0]);
        for (int correlationId = 2; correlationId < 10; correlationId++) {
            SaslStep step = sasl.onFrame(authenticate((short) 2, token, correlationId), nowNs);
            if (step instanceof SaslStep.Close close) {
                assertThat(close.delayMs()).isEqualTo(DELAY_MS);
                return (SaslAuthenticateResponseData) close.answer().orElseThrow().body();
            }
            SaslAuthenticateResponseData answer = (SaslAuthenticateResponseData) ((SaslStep.Reply) step).body();
            token = client.evaluateChallenge(answer.authBytes());
            if (sasl.isAuthenticated()) {
                return answer;
            }
        }
        throw new AssertionError("the exchange did not end");
    }
}
