package io.surety.broker.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metadata.AccessControlEntryRecord;
import org.apache.kafka.common.metadata.ClientQuotaRecord;
import org.apache.kafka.common.metadata.RemoveAccessControlEntryRecord;
import org.apache.kafka.common.metadata.RemoveUserScramCredentialRecord;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * The cluster's users and access control entries as the committed {@link ClusterRecord.Security}
 * records left them: each SCRAM credential by user and mechanism, each ACL by id, as Kafka's own
 * records. Immutable; {@link #with} makes the next image. Replay never decides: removing what is
 * not there means the log and this code disagree, and throws.
 */
public final class SecurityImage {

    public static final SecurityImage EMPTY = new SecurityImage(Map.of(), Map.of(), Map.of());

    /** A credential's identity: user name, then mechanism type. */
    public record ScramKey(String user, byte mechanism) implements Comparable<ScramKey> {
        @Override
        public int compareTo(ScramKey other) {
            int byUser = user.compareTo(other.user);
            return byUser != 0 ? byUser : Byte.compare(mechanism, other.mechanism);
        }
    }

    private final Map<ScramKey, UserScramCredentialRecord> scram;
    private final Map<Uuid, AccessControlEntryRecord> acls;
    /** Each client quota by entity (its record's entity parts, sorted) and key. */
    private final Map<String, ClientQuotaRecord> quotas;

    private SecurityImage(Map<ScramKey, UserScramCredentialRecord> scram, Map<Uuid, AccessControlEntryRecord> acls,
            Map<String, ClientQuotaRecord> quotas) {
        this.scram = Collections.unmodifiableMap(new TreeMap<>(scram));
        this.acls = Collections.unmodifiableMap(new TreeMap<>(acls));
        this.quotas = Collections.unmodifiableMap(new TreeMap<>(quotas));
    }

    /** Whether {@code message} is a record this image replays. */
    static boolean replays(ApiMessage message) {
        return message instanceof UserScramCredentialRecord || message instanceof RemoveUserScramCredentialRecord
                || message instanceof AccessControlEntryRecord || message instanceof RemoveAccessControlEntryRecord
                || message instanceof ClientQuotaRecord;
    }

    /** What {@code record} is and whom it concerns, without secrets, for log lines and errors. */
    static String describe(ApiMessage record) {
        if (record instanceof UserScramCredentialRecord put) {
            return "SCRAM credential of " + put.name() + " (mechanism " + put.mechanism() + ")";
        }
        if (record instanceof RemoveUserScramCredentialRecord remove) {
            return "removal of the SCRAM credential of " + remove.name() + " (mechanism " + remove.mechanism() + ")";
        }
        if (record instanceof AccessControlEntryRecord acl) {
            return "ACL " + acl.id();
        }
        if (record instanceof RemoveAccessControlEntryRecord remove) {
            return "removal of ACL " + remove.id();
        }
        if (record instanceof ClientQuotaRecord quota) {
            return "client quota " + quotaKey(quota) + (quota.remove() ? " removed" : "");
        }
        return record.getClass().getSimpleName();
    }

    /** Every SCRAM credential, in user then mechanism order. */
    public Map<ScramKey, UserScramCredentialRecord> scram() {
        return scram;
    }

    /** Every access control entry by id. */
    public Map<Uuid, AccessControlEntryRecord> acls() {
        return acls;
    }

    /** Every client quota value, as the record that set it (by entity and key). */
    public Map<String, ClientQuotaRecord> quotas() {
        return quotas;
    }

    /** The identity of a quota value: its entity's parts, sorted, and its key. */
    public static String quotaKey(ClientQuotaRecord record) {
        StringBuilder key = new StringBuilder();
        record.entity().stream().sorted(java.util.Comparator.comparing(ClientQuotaRecord.EntityData::entityType))
                .forEach(part -> key.append(part.entityType()).append('=').append(part.entityName()).append(';'));
        return key.append(record.key()).toString();
    }

    /** Whether {@code user} has a credential for the mechanism of type {@code mechanism}. */
    public boolean hasScram(String user, byte mechanism) {
        return scram.containsKey(new ScramKey(user, mechanism));
    }

    /**
     * This image with {@code record} applied.
     *
     * @throws IllegalStateException when it removes a credential or ACL that is not there
     */
    SecurityImage with(ApiMessage record) {
        Map<ScramKey, UserScramCredentialRecord> nextScram = scram;
        Map<Uuid, AccessControlEntryRecord> nextAcls = acls;
        Map<String, ClientQuotaRecord> nextQuotas = quotas;
        if (record instanceof ClientQuotaRecord quota) {
            nextQuotas = new TreeMap<>(quotas);
            if (quota.remove()) {
                nextQuotas.remove(quotaKey(quota));
            } else {
                nextQuotas.put(quotaKey(quota), quota);
            }
        } else if (record instanceof UserScramCredentialRecord put) {
            nextScram = new TreeMap<>(scram);
            nextScram.put(new ScramKey(put.name(), put.mechanism()), put);
        } else if (record instanceof RemoveUserScramCredentialRecord remove) {
            nextScram = new TreeMap<>(scram);
            if (nextScram.remove(new ScramKey(remove.name(), remove.mechanism())) == null) {
                throw new IllegalStateException("no SCRAM credential of " + remove.name() + " for mechanism " + remove.mechanism());
            }
        } else if (record instanceof AccessControlEntryRecord acl) {
            nextAcls = new TreeMap<>(acls);
            nextAcls.put(acl.id(), acl);
        } else if (record instanceof RemoveAccessControlEntryRecord remove) {
            nextAcls = new TreeMap<>(acls);
            if (nextAcls.remove(remove.id()) == null) {
                throw new IllegalStateException("no ACL with id " + remove.id());
            }
        } else {
            throw new IllegalArgumentException("Not a security record: " + record.getClass().getSimpleName());
        }
        return new SecurityImage(nextScram, nextAcls, nextQuotas);
    }

    /** The records that recreate this image from {@link #EMPTY}: credentials, then ACLs. */
    List<ApiMessageAndVersion> records() {
        List<ApiMessageAndVersion> out = new ArrayList<>();
        scram.values().forEach(r -> out.add(new ApiMessageAndVersion(r, (short) 0)));
        acls.values().forEach(r -> out.add(new ApiMessageAndVersion(r, (short) 0)));
        quotas.values().forEach(r -> out.add(new ApiMessageAndVersion(r, (short) 0)));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecurityImage other && scram.equals(other.scram) && acls.equals(other.acls)
                && quotas.equals(other.quotas);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scram, acls, quotas);
    }

    @Override
    public String toString() {
        // Names and counts only: credentials are secrets.
        return "SecurityImage{scramUsers=" + scram.keySet().stream().map(ScramKey::user).distinct().count()
                + ", acls=" + acls.size() + ", quotas=" + quotas.size() + "}";
    }
}
