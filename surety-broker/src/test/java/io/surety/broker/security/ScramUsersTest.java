package io.surety.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.log.FsyncLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AlterUserScramCredentials and DescribeUserScramCredentials as Kafka's controller and broker answer
 * them, on a real store: each refusal with Kafka's code and message, the accepted part of a request
 * durable together, the salted password turned into the keys a SCRAM login checks, and the
 * bootstrap that never overwrites.
 */
class ScramUsersTest {

    @TempDir
    Path dataDir;

    private final ScramCredentials credentials = new ScramCredentials();
    private SecurityStore store;
    private ScramUsers users;

    @BeforeEach
    void open() throws IOException {
        store = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(credentials));
        users = new ScramUsers(store, credentials);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    private static ScramCredentialUpsertion upsert(String user, ScramMechanism mechanism, int iterations, String password)
            throws Exception {
        byte[] salt = ("salt-of-" + user).getBytes(StandardCharsets.UTF_8);
        byte[] salted = new ScramFormatter(org.apache.kafka.common.security.scram.internals.ScramMechanism
                .forMechanismName(mechanism.mechanismName())).saltedPassword(password, salt, iterations);
        return new ScramCredentialUpsertion().setName(user).setMechanism(mechanism.type()).setIterations(iterations)
                .setSalt(salt).setSaltedPassword(salted);
    }

    private static ScramCredentialDeletion delete(String user, ScramMechanism mechanism) {
        return new ScramCredentialDeletion().setName(user).setMechanism(mechanism.type());
    }

    private Map<String, AlterUserScramCredentialsResult> alter(List<ScramCredentialDeletion> deletions,
            List<ScramCredentialUpsertion> upsertions) throws IOException {
        AlterUserScramCredentialsRequestData request = new AlterUserScramCredentialsRequestData()
                .setDeletions(deletions).setUpsertions(upsertions);
        return users.alter(request).results().stream()
                .collect(Collectors.toMap(AlterUserScramCredentialsResult::user, r -> r));
    }

    @Test
    void shouldStoreTheKeysASaltedPasswordGivesSoThatTheLoginVerifies() throws Exception {
        Map<String, AlterUserScramCredentialsResult> results = alter(List.of(),
                List.of(upsert("alice", ScramMechanism.SCRAM_SHA_512, 8192, "alice-secret")));
        assertThat(results.get("alice").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(results.get("alice").errorMessage()).isNull();

        ScramCredential stored = credentials.credential("SCRAM-SHA-512", "alice").orElseThrow();
        ScramFormatter formatter = new ScramFormatter(org.apache.kafka.common.security.scram.internals.ScramMechanism.SCRAM_SHA_512);
        byte[] salted = formatter.saltedPassword("alice-secret", stored.salt(), 8192);
        assertThat(stored.iterations()).isEqualTo(8192);
        assertThat(stored.storedKey()).isEqualTo(formatter.storedKey(formatter.clientKey(salted)));
        assertThat(stored.serverKey()).isEqualTo(formatter.serverKey(salted));
    }

    @Test
    void shouldRefuseWhatKafkaRefusesWithItsCodesAndApplyTheRestTogether() throws Exception {
        alter(List.of(), List.of(upsert("keep", ScramMechanism.SCRAM_SHA_256, 4096, "k"),
                upsert("twice", ScramMechanism.SCRAM_SHA_256, 4096, "t")));
        long sizeBefore = store.sizeBytes();

        Map<String, AlterUserScramCredentialsResult> results = alter(
                List.of(delete("absent", ScramMechanism.SCRAM_SHA_256), delete("twice", ScramMechanism.SCRAM_SHA_256),
                        delete("keep", ScramMechanism.SCRAM_SHA_256), delete("bad-mechanism", ScramMechanism.UNKNOWN)),
                List.of(upsert("twice", ScramMechanism.SCRAM_SHA_512, 4096, "t"),
                        upsert("few", ScramMechanism.SCRAM_SHA_256, 4095, "f"),
                        upsert("many", ScramMechanism.SCRAM_SHA_256, 16385, "m"),
                        upsert("", ScramMechanism.SCRAM_SHA_256, 4096, "e"),
                        upsert("dup", ScramMechanism.SCRAM_SHA_256, 4096, "d"),
                        upsert("dup", ScramMechanism.SCRAM_SHA_512, 4096, "d"),
                        upsert("new", ScramMechanism.SCRAM_SHA_256, 16384, "n")));

        assertThat(outcome(results, "absent")).isEqualTo(Errors.RESOURCE_NOT_FOUND + ": Attempt to delete a user credential that does not exist");
        assertThat(outcome(results, "twice")).isEqualTo(Errors.DUPLICATE_RESOURCE + ": A user credential cannot be altered twice in the same request");
        assertThat(outcome(results, "dup")).isEqualTo(Errors.DUPLICATE_RESOURCE + ": A user credential cannot be altered twice in the same request");
        assertThat(outcome(results, "bad-mechanism")).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM + ": Unknown SCRAM mechanism");
        assertThat(outcome(results, "few")).isEqualTo(Errors.UNACCEPTABLE_CREDENTIAL + ": Too few iterations");
        assertThat(outcome(results, "many")).isEqualTo(Errors.UNACCEPTABLE_CREDENTIAL + ": Too many iterations");
        assertThat(outcome(results, "")).isEqualTo(Errors.UNACCEPTABLE_CREDENTIAL + ": Username must not be empty");
        assertThat(outcome(results, "keep")).isEqualTo(Errors.NONE.name());
        assertThat(outcome(results, "new")).isEqualTo(Errors.NONE.name());

        assertThat(credentials.iterationsByUser()).as("the deletion of a user named twice is dropped too")
                .containsOnlyKeys("new", "twice");
        assertThat(store.sizeBytes()).as("one frame for the accepted deletion and upsertion").isGreaterThan(sizeBefore);
        store.close();
        ScramCredentials replayed = new ScramCredentials();
        store = SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(replayed));
        assertThat(replayed.iterationsByUser()).isEqualTo(credentials.iterationsByUser());
    }

    private static String outcome(Map<String, AlterUserScramCredentialsResult> results, String user) {
        AlterUserScramCredentialsResult result = results.get(user);
        assertThat(result).as("a result for user '%s'", user).isNotNull();
        Errors error = Errors.forCode(result.errorCode());
        return error == Errors.NONE ? error.name() : error + ": " + result.errorMessage();
    }

    @Test
    void shouldWriteNothingWhenEveryChangeIsRefused() throws Exception {
        alter(List.of(delete("nobody", ScramMechanism.SCRAM_SHA_256)),
                List.of(upsert("few", ScramMechanism.SCRAM_SHA_256, 1, "x")));
        assertThat(store.sizeBytes()).isZero();
    }

    @Test
    void shouldDescribeMechanismsAndIterationsOnlyAndEveryUserWhenNoneIsNamed() throws Exception {
        alter(List.of(), List.of(upsert("alice", ScramMechanism.SCRAM_SHA_256, 4096, "a"),
                upsert("bob", ScramMechanism.SCRAM_SHA_512, 5000, "b")));
        users.put("SCRAM-SHA-512", "alice", "a", 6000);

        List<DescribeUserScramCredentialsResult> all = users.describe(new DescribeUserScramCredentialsRequestData()
                .setUsers(null)).results();
        assertThat(all).extracting(DescribeUserScramCredentialsResult::user).containsExactly("alice", "bob");
        assertThat(all.get(0).credentialInfos()).extracting(c -> ScramMechanism.fromType(c.mechanism()) + "/" + c.iterations())
                .containsExactly("SCRAM_SHA_256/4096", "SCRAM_SHA_512/6000");

        List<DescribeUserScramCredentialsResult> named = users.describe(new DescribeUserScramCredentialsRequestData()
                .setUsers(List.of(new UserName().setName("bob"), new UserName().setName("carol"),
                        new UserName().setName("alice"), new UserName().setName("alice")))).results();
        assertThat(named).extracting(r -> r.user() + " " + Errors.forCode(r.errorCode()) + " " + r.errorMessage())
                .containsExactly("bob NONE ",
                        "carol RESOURCE_NOT_FOUND Attempt to describe a user credential that does not exist: carol",
                        "alice DUPLICATE_RESOURCE Cannot describe SCRAM credentials for the same user twice in a single request: alice");
    }

    @Test
    void shouldAddABootstrapUserOnlyWhenItHasNoCredentialForThatMechanism() throws Exception {
        assertThat(users.addIfAbsent(ScramBootstrap.parse("SCRAM-SHA-256=[name=admin,password=first]"))).isTrue();
        byte[] salt = credentials.credential("SCRAM-SHA-256", "admin").orElseThrow().salt();
        assertThat(users.addIfAbsent(ScramBootstrap.parse("SCRAM-SHA-256=[name=admin,password=second]"))).isFalse();
        assertThat(credentials.credential("SCRAM-SHA-256", "admin").orElseThrow().salt()).isEqualTo(salt);
        assertThat(users.addIfAbsent(ScramBootstrap.parse("SCRAM-SHA-512=[name=admin,password=first,iterations=8192]")))
                .isTrue();
    }

    @Test
    void shouldRefuseAnInProcessUserKafkaWouldRefuse() {
        assertThatThrownBy(() -> users.put("SCRAM-SHA-256", "carol", "x", 4095))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Too few iterations");
        assertThatThrownBy(() -> users.put("PLAIN", "carol", "x", 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a SCRAM mechanism");
        assertThat(store.sizeBytes()).isZero();
    }
}
