package io.surety.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.junit.jupiter.api.Test;

/** {@code --add-scram} arguments in kafka-storage's form: what is accepted, and a clear line for each mistake. */
class ScramBootstrapTest {

    @Test
    void shouldReadNamePasswordAndIterationsWithKafkasDefault() {
        ScramBootstrap plain = ScramBootstrap.parse("SCRAM-SHA-256=[name=alice,password=alice-secret]");
        assertThat(plain.mechanism()).isEqualTo(ScramMechanism.SCRAM_SHA_256);
        assertThat(plain.name()).isEqualTo("alice");
        assertThat(plain.toRecord().iterations()).isEqualTo(4096);
        assertThat(plain.toString()).doesNotContain("alice-secret");

        UserScramCredentialRecord quoted = ScramBootstrap.parse(" SCRAM-SHA-512=[name=\"bob\", password=\"b\", iterations=8192] ").toRecord();
        assertThat(quoted.name()).isEqualTo("bob");
        assertThat(quoted.iterations()).isEqualTo(8192);
        assertThat(quoted.mechanism()).isEqualTo(ScramMechanism.SCRAM_SHA_512.type());
    }

    @Test
    void shouldDeriveTheKeysFromAGivenSaltAndSaltedPassword() throws Exception {
        byte[] salt = {9, 8, 7, 6};
        ScramFormatter formatter = new ScramFormatter(org.apache.kafka.common.security.scram.internals.ScramMechanism.SCRAM_SHA_256);
        byte[] salted = formatter.saltedPassword("pw", salt, 4096);
        UserScramCredentialRecord record = ScramBootstrap.parse("SCRAM-SHA-256=[name=carol,salt="
                + Base64.getEncoder().encodeToString(salt) + ",saltedpassword=" + Base64.getEncoder().encodeToString(salted)
                + "]").toRecord();
        assertThat(record.salt()).isEqualTo(salt);
        assertThat(record.storedKey()).isEqualTo(formatter.storedKey(formatter.clientKey(salted)));
        assertThat(ScramBootstrap.parse("SCRAM-SHA-256=[name=carol,password=pw,salt="
                + Base64.getEncoder().encodeToString(salt) + "]").toRecord().serverKey()).isEqualTo(record.serverKey());
    }

    @Test
    void shouldRefuseEachMistakeWithOneLineNamingIt() {
        assertRefused("SCRAM-SHA-256", "MECHANISM=[name=...,password=...]");
        assertRefused("PLAIN=[name=a,password=b]", "PLAIN is not a SCRAM mechanism");
        assertRefused("SCRAM-SHA-256=name=a,password=b", "in brackets");
        assertRefused("SCRAM-SHA-256=[password=b]", "name is missing");
        assertRefused("SCRAM-SHA-256=[name=a]", "needs a password");
        assertRefused("SCRAM-SHA-256=[name=a,saltedpassword=AAAA]", "needs the salt");
        assertRefused("SCRAM-SHA-256=[name=a,password=b,colour=red]", "unknown settings colour");
        assertRefused("SCRAM-SHA-256=[name=a,password=b,iterations=many]", "iterations=many is not a number");
        assertRefused("SCRAM-SHA-256=[name=a,password=b,iterations=100]", "Too few iterations (iterations 4096 to 16384)");
        assertRefused("SCRAM-SHA-256=[name=a,password=b,salt=!!]", "salt is not base64");
        assertRefused("SCRAM-SHA-256=[name=,password=b]", "Username must not be empty");
        assertRefused("SCRAM-SHA-256=[name=a,password]", "'password' is not key=value");
    }

    private static void assertRefused(String argument, String message) {
        assertThatThrownBy(() -> ScramBootstrap.parse(argument)).as(argument)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("\n");
    }
}
