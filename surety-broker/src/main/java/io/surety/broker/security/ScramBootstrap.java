package io.surety.broker.security;

import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;

/**
 * One SCRAM user given on the command line in {@code kafka-storage format --add-scram}'s form:
 * {@code SCRAM-SHA-256=[name=alice,password=secret]}, with optional {@code iterations} (default
 * 4096) and {@code salt} (base64; random otherwise), or {@code saltedpassword} (base64, needs
 * {@code salt}) instead of {@code password}. Parsing refuses anything Kafka's tool refuses, with a
 * message naming the problem (never the password). Immutable.
 */
public final class ScramBootstrap {

    private static final int DEFAULT_ITERATIONS = 4096;

    private final ScramMechanism mechanism;
    private final String name;
    private final int iterations;
    private final byte[] salt;
    private final String password;
    private final byte[] saltedPassword;

    private ScramBootstrap(ScramMechanism mechanism, String name, int iterations, byte[] salt, String password,
            byte[] saltedPassword) {
        this.mechanism = mechanism;
        this.name = name;
        this.iterations = iterations;
        this.salt = salt;
        this.password = password;
        this.saltedPassword = saltedPassword;
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code argument} */
    public static ScramBootstrap parse(String argument) {
        String input = argument.trim();
        int equals = input.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("--add-scram needs MECHANISM=[name=...,password=...], as "
                    + "SCRAM-SHA-256=[name=alice,password=alice-secret]");
        }
        ScramMechanism mechanism = ScramMechanism.fromMechanismName(input.substring(0, equals));
        if (mechanism == ScramMechanism.UNKNOWN) {
            throw new IllegalArgumentException("--add-scram: " + input.substring(0, equals)
                    + " is not a SCRAM mechanism (SCRAM-SHA-256 or SCRAM-SHA-512)");
        }
        String settings = input.substring(equals + 1);
        if (!settings.startsWith("[") || !settings.endsWith("]")) {
            throw new IllegalArgumentException("--add-scram: the settings of " + mechanism.mechanismName()
                    + " go in brackets, as [name=alice,password=alice-secret]");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (String component : settings.substring(1, settings.length() - 1).split(",")) {
            int at = component.indexOf('=');
            if (at < 0) {
                throw new IllegalArgumentException("--add-scram: '" + component.trim() + "' is not key=value");
            }
            String key = component.substring(0, at).trim();
            String value = component.substring(at + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            keys.put(key, value);
        }
        String name = keys.remove("name");
        if (name == null) {
            throw new IllegalArgumentException("--add-scram: the user's name is missing (name=...)");
        }
        byte[] salt = base64(keys.remove("salt"), "salt");
        int iterations = iterations(keys.remove("iterations"));
        String password = keys.remove("password");
        byte[] saltedPassword = base64(keys.remove("saltedpassword"), "saltedpassword");
        if (password == null && saltedPassword == null) {
            throw new IllegalArgumentException("--add-scram: user " + name + " needs a password (or saltedpassword with salt)");
        }
        if (password == null && salt == null) {
            throw new IllegalArgumentException("--add-scram: user " + name + ": saltedpassword needs the salt it was made with");
        }
        if (!keys.isEmpty()) {
            throw new IllegalArgumentException("--add-scram: unknown settings " + String.join(", ", keys.keySet())
                    + " (name, password, iterations, salt and saltedpassword are known)");
        }
        validate("--add-scram: user " + name, mechanism, name, iterations);
        return new ScramBootstrap(mechanism, name, iterations, salt, password, saltedPassword);
    }

    /**
     * A user with {@code password}, as the in-process API gives it.
     *
     * @throws IllegalArgumentException for a mechanism that is not SCRAM, an empty name, or
     *     iterations out of Kafka's bounds
     */
    public static ScramBootstrap of(String mechanism, String name, String password, int iterations) {
        ScramMechanism scram = ScramMechanism.fromMechanismName(mechanism);
        if (scram == ScramMechanism.UNKNOWN) {
            throw new IllegalArgumentException(mechanism + " is not a SCRAM mechanism (SCRAM-SHA-256 or SCRAM-SHA-512)");
        }
        validate("SCRAM user " + name, scram, name == null ? "" : name, iterations);
        return new ScramBootstrap(scram, name, iterations, null, password, null);
    }

    private static void validate(String what, ScramMechanism mechanism, String name, int iterations) {
        ApiError error = ScramUsers.validateUpsertion(name, mechanism, iterations);
        if (error.isFailure()) {
            throw new IllegalArgumentException(what + " for " + mechanism.mechanismName() + ": " + error.message()
                    + " (iterations " + minIterations(mechanism) + " to " + ScramUsers.MAX_ITERATIONS + ")");
        }
    }

    private static byte[] base64(String value, String key) {
        if (value == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--add-scram: " + key + " is not base64");
        }
    }

    private static int iterations(String value) {
        if (value == null) {
            return DEFAULT_ITERATIONS;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--add-scram: iterations=" + value + " is not a number");
        }
    }

    private static int minIterations(ScramMechanism mechanism) {
        return formatterMechanism(mechanism).minIterations();
    }

    private static org.apache.kafka.common.security.scram.internals.ScramMechanism formatterMechanism(ScramMechanism mechanism) {
        return org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(mechanism.mechanismName());
    }

    public ScramMechanism mechanism() {
        return mechanism;
    }

    public String name() {
        return name;
    }

    /** The record Kafka's format step would write for this user: a random salt unless one was given. */
    UserScramCredentialRecord toRecord() {
        ScramCredentialUpsertion upsertion = toUpsertion();
        try {
            ScramFormatter formatter = new ScramFormatter(formatterMechanism(mechanism));
            byte[] salted = upsertion.saltedPassword();
            return new UserScramCredentialRecord().setName(name).setMechanism(mechanism.type()).setSalt(upsertion.salt())
                    .setStoredKey(formatter.storedKey(formatter.clientKey(salted))).setServerKey(formatter.serverKey(salted))
                    .setIterations(iterations);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + mechanism.mechanismName(), e);
        }
    }

    /**
     * This user as the admin client sends it in AlterUserScramCredentials: a salt (random unless one
     * was given) and the salted password, never the password.
     */
    public ScramCredentialUpsertion toUpsertion() {
        try {
            ScramFormatter formatter = new ScramFormatter(formatterMechanism(mechanism));
            byte[] saltUsed = salt != null ? salt : formatter.secureRandomBytes();
            byte[] salted = saltedPassword != null ? saltedPassword : formatter.saltedPassword(password, saltUsed, iterations);
            return new ScramCredentialUpsertion().setName(name).setMechanism(mechanism.type()).setIterations(iterations)
                    .setSalt(saltUsed).setSaltedPassword(salted);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + mechanism.mechanismName(), e);
        }
    }

    @Override
    public String toString() {
        return mechanism.mechanismName() + " user " + name;
    }
}
