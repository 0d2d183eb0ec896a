package io.surety.broker.security;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.metadata.RemoveUserScramCredentialRecord;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Managing SCRAM users as Kafka's controller does: AlterUserScramCredentials validated with Kafka's
 * rules and applied atomically (every accepted change of one request in one durable frame),
 * DescribeUserScramCredentials from the stored credentials, and the users given at start
 * ({@code --add-scram}) or in-process. The admin client sends a salted password, never the
 * password; only salt, stored key, server key and iterations are kept.
 *
 * <p>Thread-safe: decisions run under the {@link SecurityStore}'s lock.
 */
public final class ScramUsers {

    private static final Logger LOG = LoggerFactory.getLogger(ScramUsers.class);
    /** Kafka's upper bound for every SCRAM mechanism; the lower bound is the mechanism's own (4096). */
    static final int MAX_ITERATIONS = 16384;
    private static final String TWICE = "A user credential cannot be altered twice in the same request";

    private final SecurityStore store;
    private final ScramCredentials credentials;

    public ScramUsers(SecurityStore store, ScramCredentials credentials) {
        this.store = store;
        this.credentials = credentials;
    }

    /** What the SCRAM mechanisms authenticate against. */
    public ScramCredentialStore credentials() {
        return credentials;
    }

    /**
     * Applies the deletions and upsertions Kafka would accept and answers each user: a user named
     * twice in one request (in either list) gets DUPLICATE_RESOURCE, an empty name or too few or
     * too many iterations UNACCEPTABLE_CREDENTIAL, an unknown mechanism UNSUPPORTED_SASL_MECHANISM,
     * deleting an absent credential RESOURCE_NOT_FOUND; the others are made durable together.
     */
    public AlterUserScramCredentialsResponseData alter(AlterUserScramCredentialsRequestData request) throws IOException {
        return store.change(() -> decide(request, credentials::has));
    }

    /** Whether a user has a credential for a mechanism, in the state a decision is made against. */
    @FunctionalInterface
    public interface Existing {
        boolean has(ScramMechanism mechanism, String user);
    }

    /**
     * The records and answer of AlterUserScramCredentials against the credentials {@code existing}
     * tells of, with Kafka's rules (see {@link #alter}): what a single node stores, and what a
     * cluster's controller proposes.
     */
    public static SecurityChange<AlterUserScramCredentialsResponseData> decide(AlterUserScramCredentialsRequestData request,
            Existing existing) {
        Map<String, ScramCredentialDeletion> deletions = new LinkedHashMap<>();
        Map<String, ScramCredentialUpsertion> upsertions = new LinkedHashMap<>();
        Map<String, ApiError> refused = new LinkedHashMap<>();
        for (ScramCredentialDeletion deletion : request.deletions()) {
            if (refused.containsKey(deletion.name())) {
                continue;
            }
            if (deletions.remove(deletion.name()) != null) {
                refused.put(deletion.name(), new ApiError(Errors.DUPLICATE_RESOURCE, TWICE));
                continue;
            }
            ApiError error = validateDeletion(deletion, existing);
            if (error.isFailure()) {
                refused.put(deletion.name(), error);
            } else {
                deletions.put(deletion.name(), deletion);
            }
        }
        for (ScramCredentialUpsertion upsertion : request.upsertions()) {
            if (refused.containsKey(upsertion.name())) {
                continue;
            }
            if (deletions.remove(upsertion.name()) != null || upsertions.remove(upsertion.name()) != null) {
                refused.put(upsertion.name(), new ApiError(Errors.DUPLICATE_RESOURCE, TWICE));
                continue;
            }
            ApiError error = validateUpsertion(upsertion.name(), ScramMechanism.fromType(upsertion.mechanism()),
                    upsertion.iterations());
            if (error.isFailure()) {
                refused.put(upsertion.name(), error);
            } else {
                upsertions.put(upsertion.name(), upsertion);
            }
        }
        List<ApiMessageAndVersion> records = new ArrayList<>();
        AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
        for (ScramCredentialDeletion deletion : deletions.values()) {
            records.add(new ApiMessageAndVersion(new RemoveUserScramCredentialRecord()
                    .setName(deletion.name()).setMechanism(deletion.mechanism()), (short) 0));
            response.results().add(result(deletion.name(), ApiError.NONE));
        }
        for (ScramCredentialUpsertion upsertion : upsertions.values()) {
            try {
                records.add(fromSaltedPassword(upsertion));
                response.results().add(result(upsertion.name(), ApiError.NONE));
            } catch (GeneralSecurityException e) {
                refused.put(upsertion.name(), ApiError.fromThrowable(e));
            }
        }
        refused.forEach((user, error) -> response.results().add(result(user, error)));
        return new SecurityChange<>(records, response);
    }

    private static ApiError validateDeletion(ScramCredentialDeletion deletion, Existing existing) {
        ScramMechanism mechanism = ScramMechanism.fromType(deletion.mechanism());
        ApiError error = validateNameAndMechanism(deletion.name(), mechanism);
        if (error.isFailure()) {
            return error;
        }
        if (!existing.has(mechanism, deletion.name())) {
            return new ApiError(Errors.RESOURCE_NOT_FOUND, "Attempt to delete a user credential that does not exist");
        }
        return ApiError.NONE;
    }

    static ApiError validateUpsertion(String name, ScramMechanism mechanism, int iterations) {
        ApiError error = validateNameAndMechanism(name, mechanism);
        if (error.isFailure()) {
            return error;
        }
        if (iterations < formatterMechanism(mechanism).minIterations()) {
            return new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
        }
        if (iterations > MAX_ITERATIONS) {
            return new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
        }
        return ApiError.NONE;
    }

    private static ApiError validateNameAndMechanism(String name, ScramMechanism mechanism) {
        if (name.isEmpty()) {
            return new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
        }
        if (mechanism == ScramMechanism.UNKNOWN) {
            return new ApiError(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism");
        }
        return ApiError.NONE;
    }

    /** The record Kafka's controller stores for an upsertion: the keys derived from the salted password. */
    private static ApiMessageAndVersion fromSaltedPassword(ScramCredentialUpsertion upsertion) throws GeneralSecurityException {
        ScramFormatter formatter = new ScramFormatter(formatterMechanism(ScramMechanism.fromType(upsertion.mechanism())));
        byte[] salted = upsertion.saltedPassword();
        return new ApiMessageAndVersion(new UserScramCredentialRecord().setName(upsertion.name())
                .setMechanism(upsertion.mechanism()).setSalt(upsertion.salt())
                .setStoredKey(formatter.storedKey(formatter.clientKey(salted))).setServerKey(formatter.serverKey(salted))
                .setIterations(upsertion.iterations()), (short) 0);
    }

    private static org.apache.kafka.common.security.scram.internals.ScramMechanism formatterMechanism(ScramMechanism mechanism) {
        return org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(mechanism.mechanismName());
    }

    private static AlterUserScramCredentialsResult result(String user, ApiError error) {
        return new AlterUserScramCredentialsResult().setUser(user).setErrorCode(error.error().code())
                .setErrorMessage(error.isFailure() ? error.message() : null);
    }

    /**
     * Every user's mechanisms and iterations (users null or empty: every user), as Kafka answers:
     * a user named twice gets DUPLICATE_RESOURCE, a user without credentials RESOURCE_NOT_FOUND.
     */
    public DescribeUserScramCredentialsResponseData describe(DescribeUserScramCredentialsRequestData request) {
        return describe(request, credentials.iterationsByUser());
    }

    /**
     * DescribeUserScramCredentials over {@code stored}: each user's iterations by mechanism, in
     * name order (a cluster node passes its committed metadata's users).
     */
    public static DescribeUserScramCredentialsResponseData describe(DescribeUserScramCredentialsRequestData request,
            SortedMap<String, Map<ScramMechanism, Integer>> stored) {
        Map<String, Boolean> asked = new LinkedHashMap<>();
        if (request.users() == null || request.users().isEmpty()) {
            stored.keySet().forEach(user -> asked.put(user, false));
        } else {
            for (UserName user : request.users()) {
                asked.put(user.name(), asked.containsKey(user.name()));
            }
        }
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
        asked.forEach((user, twice) -> {
            DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
            Map<ScramMechanism, Integer> mechanisms = stored.get(user);
            if (twice) {
                result.setErrorCode(Errors.DUPLICATE_RESOURCE.code())
                        .setErrorMessage("Cannot describe SCRAM credentials for the same user twice in a single request: " + user);
            } else if (mechanisms == null) {
                result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                        .setErrorMessage("Attempt to describe a user credential that does not exist: " + user);
            } else {
                mechanisms.forEach((mechanism, iterations) -> result.credentialInfos().add(
                        new CredentialInfo().setMechanism(mechanism.type()).setIterations(iterations)));
            }
            response.results().add(result);
        });
        return response;
    }

    /** Each user's iterations by mechanism, in name order, from Kafka's credential records. */
    public static SortedMap<String, Map<ScramMechanism, Integer>> iterationsOf(Collection<UserScramCredentialRecord> records) {
        SortedMap<String, Map<ScramMechanism, Integer>> users = new TreeMap<>();
        for (UserScramCredentialRecord record : records) {
            users.computeIfAbsent(record.name(), name -> new TreeMap<>())
                    .put(ScramMechanism.fromType(record.mechanism()), record.iterations());
        }
        return users;
    }

    /**
     * Sets {@code user}'s credential for {@code mechanism} from {@code password} (a random salt,
     * Kafka's stored form), durably, replacing any it had.
     *
     * @throws IllegalArgumentException for a mechanism that is not SCRAM, an empty name, or
     *     iterations out of Kafka's bounds
     */
    public void put(String mechanism, String user, String password, int iterations) throws IOException {
        UserScramCredentialRecord record = ScramBootstrap.of(mechanism, user, password, iterations).toRecord();
        store.change(() -> new SecurityChange<>(List.of(new ApiMessageAndVersion(record, (short) 0)), null));
    }

    /**
     * Adds {@code user} only if it has no credential for its mechanism yet, as
     * {@code kafka-storage format --add-scram} bootstraps: a restart with the same flag changes
     * nothing, and a password changed since through the admin API stays changed.
     *
     * @return whether the credential was added
     */
    public boolean addIfAbsent(ScramBootstrap user) throws IOException {
        UserScramCredentialRecord record = user.toRecord();
        boolean added = store.change(() -> credentials.has(user.mechanism(), user.name())
                ? new SecurityChange<>(List.of(), false)
                : new SecurityChange<>(List.of(new ApiMessageAndVersion(record, (short) 0)), true));
        if (added) {
            LOG.info("Added {}", user);
        }
        return added;
    }
}
