package io.surety.broker.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.metadata.AccessControlEntryRecord;
import org.apache.kafka.common.metadata.MetadataRecordType;
import org.apache.kafka.common.metadata.RemoveAccessControlEntryRecord;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.metadata.authorizer.StandardAcl;
import org.apache.kafka.metadata.authorizer.StandardAclWithId;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * The ACLs, by id: changed only by replaying {@code AccessControlEntryRecord} (add) and
 * {@code RemoveAccessControlEntryRecord} (remove), each forwarded to the {@link AclAuthorizer} that
 * checks requests against them, when one is configured (without one the ACLs are still kept, so
 * that they apply once it is). {@link #create} and {@link #delete} decide a change from the current
 * ACLs and return the records, which the {@link SecurityStore} makes durable and replays here.
 * Not thread-safe on its own: the store calls every method under its lock; requests read the
 * authorizer, which publishes each change safely.
 *
 * <p>Implementation notes: the rules are those of Kafka's controller ({@code AclControlManager}) and
 * {@code AclApis}: an ACL with a wildcard or unknown part, an empty name, or a cluster resource not
 * named {@code kafka-cluster} is refused with INVALID_REQUEST; an ACL identical to one that exists
 * (or to an earlier one of the same request) succeeds without a second copy; ids are random Uuids,
 * never reused while the ACL exists. A delete names every ACL a filter matches, and an ACL two filters
 * match is removed once.
 */
public final class AclState implements SecurityState {

    /** Version 0 of both records: the only one Kafka has. */
    private static final short RECORD_VERSION = 0;

    private final Optional<AclAuthorizer> authorizer;
    private final Map<Uuid, StandardAcl> byId = new HashMap<>();
    private final Set<StandardAcl> existing = new HashSet<>();

    public AclState(Optional<AclAuthorizer> authorizer) {
        this.authorizer = authorizer;
    }

    /**
     * The ACLs {@code records} hold, without an authorizer: what a cluster's controller decides
     * CreateAcls and DeleteAcls against (its metadata image's ACLs).
     */
    public static AclState of(Collection<AccessControlEntryRecord> records) {
        AclState state = new AclState(Optional.empty());
        records.forEach(state::replay);
        return state;
    }

    /** The authorizer the ACLs are forwarded to, when one is configured. */
    public Optional<AclAuthorizer> authorizer() {
        return authorizer;
    }

    @Override
    public Set<MetadataRecordType> recordTypes() {
        return Set.of(MetadataRecordType.ACCESS_CONTROL_ENTRY_RECORD, MetadataRecordType.REMOVE_ACCESS_CONTROL_ENTRY_RECORD);
    }

    /** What creating one ACL came to: null for success (also for a duplicate), else why not. */
    public SecurityChange<List<ApiException>> create(List<AclBinding> bindings) {
        List<ApiException> results = new ArrayList<>(bindings.size());
        List<ApiMessageAndVersion> records = new ArrayList<>();
        Set<StandardAcl> added = new HashSet<>();
        for (AclBinding binding : bindings) {
            ApiException invalid = invalid(binding);
            if (invalid != null) {
                results.add(invalid);
                continue;
            }
            StandardAcl acl = StandardAcl.fromAclBinding(binding);
            if (!existing.contains(acl) && added.add(acl)) {
                records.add(new ApiMessageAndVersion(new StandardAclWithId(newId(), acl).toRecord(), RECORD_VERSION));
            }
            results.add(null);
        }
        return new SecurityChange<>(records, results);
    }

    /** The ACLs each filter matches, which the change removes. */
    public SecurityChange<List<List<AclBinding>>> delete(List<AclBindingFilter> filters) {
        List<List<AclBinding>> results = new ArrayList<>(filters.size());
        Set<Uuid> removed = new LinkedHashSet<>();
        for (AclBindingFilter filter : filters) {
            List<AclBinding> matched = new ArrayList<>();
            for (Map.Entry<Uuid, StandardAcl> entry : byId.entrySet()) {
                AclBinding binding = entry.getValue().toBinding();
                if (filter.matches(binding)) {
                    matched.add(binding);
                    removed.add(entry.getKey());
                }
            }
            results.add(matched);
        }
        List<ApiMessageAndVersion> records = removed.stream()
                .map(id -> new ApiMessageAndVersion(new RemoveAccessControlEntryRecord().setId(id), RECORD_VERSION))
                .toList();
        return new SecurityChange<>(records, results);
    }

    @Override
    public void replay(ApiMessage record) {
        if (record instanceof AccessControlEntryRecord add) {
            StandardAclWithId acl = StandardAclWithId.fromRecord(add);
            byId.put(acl.id(), acl.acl());
            existing.add(acl.acl());
            authorizer.ifPresent(loaded -> loaded.addAcl(acl.id(), acl.acl()));
        } else if (record instanceof RemoveAccessControlEntryRecord remove) {
            StandardAcl acl = byId.remove(remove.id());
            if (acl == null) {
                throw new IllegalStateException("Cannot replay the removal of ACL " + remove.id() + ": there is none");
            }
            existing.remove(acl);
            authorizer.ifPresent(loaded -> loaded.removeAcl(remove.id()));
        } else {
            throw new IllegalArgumentException("Not an ACL record: " + record.getClass().getSimpleName());
        }
    }

    @Override
    public List<ApiMessageAndVersion> snapshot() {
        return byId.entrySet().stream()
                .map(entry -> new ApiMessageAndVersion(new StandardAclWithId(entry.getKey(), entry.getValue()).toRecord(),
                        RECORD_VERSION))
                .toList();
    }

    /** Kafka's reasons to refuse an ACL, or null for none. */
    static ApiException invalid(AclBinding binding) {
        ResourceType type = binding.pattern().resourceType();
        PatternType pattern = binding.pattern().patternType();
        String name = binding.pattern().name();
        if (type == ResourceType.ANY || type == ResourceType.UNKNOWN) {
            return new InvalidRequestException("Invalid resourceType " + type);
        }
        if (pattern != PatternType.LITERAL && pattern != PatternType.PREFIXED) {
            return new InvalidRequestException("Invalid patternType " + pattern);
        }
        if (binding.entry().operation().isUnknown() || binding.entry().operation() == AclOperation.ANY) {
            return new InvalidRequestException("Invalid operation " + binding.entry().operation());
        }
        if (binding.entry().permissionType().isUnknown()
                || binding.entry().permissionType() == AclPermissionType.ANY) {
            return new InvalidRequestException("Invalid permissionType " + binding.entry().permissionType());
        }
        if (type == ResourceType.CLUSTER && !Resource.CLUSTER_NAME.equals(name)) {
            return new InvalidRequestException("The only valid name for the CLUSTER resource is " + Resource.CLUSTER_NAME);
        }
        if (name == null || name.isEmpty()) {
            return new InvalidRequestException("Invalid empty resource name");
        }
        return null;
    }

    private Uuid newId() {
        Uuid id;
        do {
            id = Uuid.randomUuid();
        } while (byId.containsKey(id) || id.equals(Uuid.ZERO_UUID));
        return id;
    }
}
