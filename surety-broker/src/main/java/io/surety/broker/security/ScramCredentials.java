package io.surety.broker.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.metadata.MetadataRecordType;
import org.apache.kafka.common.metadata.RemoveUserScramCredentialRecord;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * The SCRAM users, by mechanism and name, as Kafka's {@code UserScramCredentialRecord}s left them:
 * salt, stored key, server key and iterations, never a password. What the SCRAM mechanisms
 * authenticate against ({@link ScramCredentialStore}) and what DescribeUserScramCredentials lists.
 *
 * <p>Thread-safe: the {@link SecurityStore} replays under its lock; authentications on every
 * connection read concurrently and see a change from the next lookup on.
 */
public final class ScramCredentials implements SecurityState, ScramCredentialStore {

    private final Map<ScramMechanism, Map<String, ScramCredential>> byMechanism = new ConcurrentHashMap<>();

    @Override
    public Set<MetadataRecordType> recordTypes() {
        return Set.of(MetadataRecordType.USER_SCRAM_CREDENTIAL_RECORD, MetadataRecordType.REMOVE_USER_SCRAM_CREDENTIAL_RECORD);
    }

    @Override
    public void replay(ApiMessage record) {
        if (record instanceof UserScramCredentialRecord put) {
            byMechanism.computeIfAbsent(ScramMechanism.fromType(put.mechanism()), m -> new ConcurrentHashMap<>())
                    .put(put.name(), new ScramCredential(put.salt(), put.storedKey(), put.serverKey(), put.iterations()));
        } else if (record instanceof RemoveUserScramCredentialRecord remove) {
            Map<String, ScramCredential> users = byMechanism.get(ScramMechanism.fromType(remove.mechanism()));
            if (users != null) {
                users.remove(remove.name());
            }
        } else {
            throw new IllegalArgumentException("Not a SCRAM record: " + record.getClass().getSimpleName());
        }
    }

    @Override
    public List<ApiMessageAndVersion> snapshot() {
        List<ApiMessageAndVersion> records = new ArrayList<>();
        byMechanism.forEach((mechanism, users) -> users.forEach((name, credential) -> records.add(
                new ApiMessageAndVersion(new UserScramCredentialRecord().setName(name).setMechanism(mechanism.type())
                        .setSalt(credential.salt()).setStoredKey(credential.storedKey())
                        .setServerKey(credential.serverKey()).setIterations(credential.iterations()), (short) 0))));
        return records;
    }

    @Override
    public Optional<ScramCredential> credential(String mechanism, String user) {
        Map<String, ScramCredential> users = byMechanism.get(ScramMechanism.fromMechanismName(mechanism));
        return users == null ? Optional.empty() : Optional.ofNullable(users.get(user));
    }

    /** Whether {@code user} has a credential for {@code mechanism}. */
    boolean has(ScramMechanism mechanism, String user) {
        Map<String, ScramCredential> users = byMechanism.get(mechanism);
        return users != null && users.containsKey(user);
    }

    /** Every user with a credential, each with its iterations per mechanism, in name order. */
    SortedMap<String, Map<ScramMechanism, Integer>> iterationsByUser() {
        SortedMap<String, Map<ScramMechanism, Integer>> users = new TreeMap<>();
        for (ScramMechanism mechanism : ScramMechanism.values()) {
            Map<String, ScramCredential> credentials = byMechanism.get(mechanism);
            if (credentials != null) {
                credentials.forEach((name, credential) -> users.computeIfAbsent(name, n -> new TreeMap<>())
                        .put(mechanism, credential.iterations()));
            }
        }
        return users;
    }
}
