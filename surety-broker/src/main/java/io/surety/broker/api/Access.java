package io.surety.broker.api;

import io.surety.broker.security.AclAuthorizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizationResult;

/**
 * What the principal of one request may do, as {@link AccessRules} decided before its handler ran:
 * the names of the request it was denied (a handler answers those with the authorization error,
 * before it looks whether they exist), and the authorizer, for the few answers that depend on
 * state (the topics an all-topics Metadata lists, the groups ListGroups shows, auto-creation, the
 * authorized-operations fields). Immutable; {@link #ALL} when there is no authorizer.
 */
public final class Access {

    /** Everything allowed: no authorizer is configured. */
    public static final Access ALL = new Access(null, null, Map.of());

    private final AclAuthorizer authorizer;
    private final RequestContext context;
    private final Map<ResourceType, Set<String>> denied;

    private Access(AclAuthorizer authorizer, RequestContext context, Map<ResourceType, Set<String>> denied) {
        this.authorizer = authorizer;
        this.context = context;
        this.denied = denied;
    }

    /** Nothing denied yet: what a rule starts from. */
    static Access checking(AclAuthorizer authorizer, RequestContext context) {
        return new Access(authorizer, context, Map.of());
    }

    /** Whether the request's {@code name} of {@code type} was denied by its rule. */
    boolean denied(ResourceType type, String name) {
        Set<String> names = denied.get(type);
        return names != null && names.contains(name);
    }

    /** Whether the request's topic {@code name} was denied by its rule. */
    boolean deniedTopic(String name) {
        return denied(ResourceType.TOPIC, name);
    }

    /** Whether an authorizer is configured (else every answer here is yes). */
    boolean checked() {
        return authorizer != null;
    }

    /** Whether {@code operation} on the literal resource is allowed. */
    boolean allows(AclOperation operation, ResourceType type, String name) {
        if (authorizer == null) {
            return true;
        }
        return authorizer.authorize(context, List.of(action(operation, type, name, true)))
                .get(0) == AuthorizationResult.ALLOWED;
    }

    /**
     * As {@link #allows}, without an audit line when denied: for checks that have another way
     * through (CREATE on the cluster, else on the topic), as Kafka asks those.
     */
    boolean allowsQuietly(AclOperation operation, ResourceType type, String name) {
        if (authorizer == null) {
            return true;
        }
        return authorizer.authorize(context, List.of(action(operation, type, name, false)))
                .get(0) == AuthorizationResult.ALLOWED;
    }

    /** Whether {@code operation} is allowed on some resource of {@code type} (KIP-679). */
    boolean allowsAny(AclOperation operation, ResourceType type) {
        return authorizer == null || authorizer.authorizeAny(context, operation, type) == AuthorizationResult.ALLOWED;
    }

    /** Those of {@code names} on which {@code operation} is not allowed, in one call to the authorizer. */
    Set<String> deniedOf(AclOperation operation, ResourceType type, Collection<String> names) {
        if (authorizer == null || names.isEmpty()) {
            return Set.of();
        }
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(names));
        List<Action> actions = new ArrayList<>(distinct.size());
        for (String name : distinct) {
            actions.add(action(operation, type, name, true));
        }
        List<AuthorizationResult> results = authorizer.authorize(context, actions);
        Set<String> out = new HashSet<>();
        for (int i = 0; i < distinct.size(); i++) {
            if (results.get(i) != AuthorizationResult.ALLOWED) {
                out.add(distinct.get(i));
            }
        }
        return out;
    }

    /**
     * The authorized-operations bit field of one resource: of the bits in {@code supported}, those
     * the principal may perform. Asked without audit lines, as Kafka does.
     */
    int operations(ResourceType type, String name, int supported) {
        if (authorizer == null) {
            return supported;
        }
        List<AclOperation> operations = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        for (AclOperation operation : AclOperation.values()) {
            if (operation.code() < Integer.SIZE && (supported & (1 << operation.code())) != 0) {
                operations.add(operation);
                actions.add(action(operation, type, name, false));
            }
        }
        List<AuthorizationResult> results = authorizer.authorize(context, actions);
        int field = 0;
        for (int i = 0; i < operations.size(); i++) {
            if (results.get(i) == AuthorizationResult.ALLOWED) {
                field |= 1 << operations.get(i).code();
            }
        }
        return field;
    }

    /** This access with {@code names} of {@code type} denied as well. */
    Access withDenied(ResourceType type, Set<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        Map<ResourceType, Set<String>> more = new EnumMap<>(ResourceType.class);
        more.putAll(denied);
        Set<String> all = new HashSet<>(denied.getOrDefault(type, Set.of()));
        all.addAll(names);
        more.put(type, Set.copyOf(all));
        return new Access(authorizer, context, more);
    }

    private static Action action(AclOperation operation, ResourceType type, String name, boolean audited) {
        // Kafka's handlers log a denial (logIfDenied) and not an allowance, except where they ask
        // only to fill a field or filter a listing.
        return new Action(operation, new ResourcePattern(type, name, PatternType.LITERAL), 1, false, audited);
    }
}
