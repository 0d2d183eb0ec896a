package io.surety.broker.security;

import io.surety.broker.config.AuthorizerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.metadata.authorizer.StandardAcl;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;

/**
 * Kafka's own ACL authorizer ({@code StandardAuthorizer} of kafka-metadata) behind the few calls the
 * broker makes: the only class that touches it, so a change of its semi-internal API is met here.
 * It brings Kafka's matching rules whole: super users, DENY over ALLOW, the implied DESCRIBE and
 * DESCRIBE_CONFIGS, literal, wildcard and prefixed patterns, {@code User:*} and host {@code *},
 * and {@code allow.everyone.if.no.acl.found}. Denials are logged to Kafka's
 * {@code kafka.authorizer.logger} at INFO.
 *
 * <p>Thread-safe: {@link #authorize} may run on any thread while ACLs change; the ACLs it sees are
 * an immutable snapshot swapped on each change. {@link #addAcl} and {@link #removeAcl} are called by
 * one writer at a time ({@link AclState} under the store's lock).
 *
 * <p>Implementation notes: two quirks of Kafka 4.3.1 are met in the constructor.
 * {@code authorize} throws a NullPointerException until {@code withPluginMetrics} was called (it
 * counts authorizations into those metrics, which nothing here reads), and every non-super user
 * is refused with AuthorizerNotReadyException until {@code completeInitialLoad}. The broker loads
 * the stored ACLs before its listeners open, so the initial load is complete from the start and
 * later ACLs arrive through {@link #addAcl}. {@code createAcls} and {@code deleteAcls} of the class
 * are not used: they need Kafka's controller; the broker writes ACL records itself.
 */
public final class AclAuthorizer implements AutoCloseable {

    private final StandardAuthorizer authorizer = new StandardAuthorizer();
    private final Metrics metrics = new Metrics();
    private final Consumer<ApiKeys> denied;

    /** An authorizer with no ACLs yet, configured with {@code config}'s super users and default. */
    public AclAuthorizer(AuthorizerConfig config) {
        this(config, api -> { });
    }

    /**
     * As {@link #AclAuthorizer(AuthorizerConfig)}, telling {@code denied} of each denial Kafka would
     * audit (an action of the request's API that is refused and not a quiet filter, such as the
     * topics an all-topics Metadata leaves out).
     */
    public AclAuthorizer(AuthorizerConfig config, Consumer<ApiKeys> denied) {
        this.denied = denied;
        authorizer.withPluginMetrics(new PluginMetricsImpl(metrics, Map.of()));
        authorizer.configure(Map.of(
                StandardAuthorizer.SUPER_USERS_CONFIG, config.superUsers(),
                StandardAuthorizer.ALLOW_EVERYONE_IF_NO_ACL_IS_FOUND_CONFIG,
                String.valueOf(config.allowEveryoneIfNoAclFound())));
        authorizer.loadSnapshot(Map.of());
        authorizer.completeInitialLoad();
    }

    /** One answer per action, in order. */
    public List<AuthorizationResult> authorize(AuthorizableRequestContext context, List<Action> actions) {
        List<AuthorizationResult> results = authorizer.authorize(context, actions);
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == AuthorizationResult.DENIED && actions.get(i).logIfDenied()
                    && ApiKeys.hasId(context.requestType())) {
                denied.accept(ApiKeys.forId(context.requestType()));
            }
        }
        return results;
    }

    /**
     * Whether {@code operation} is allowed on at least one resource of {@code type}, by some ALLOW
     * ACL that no DENY covers (KIP-679: what an idempotent producer without IDEMPOTENT_WRITE needs).
     */
    public AuthorizationResult authorizeAny(AuthorizableRequestContext context, AclOperation operation,
            ResourceType type) {
        AuthorizationResult result = authorizer.authorizeByResourceType(context, operation, type);
        if (result == AuthorizationResult.DENIED && ApiKeys.hasId(context.requestType())) {
            denied.accept(ApiKeys.forId(context.requestType()));
        }
        return result;
    }

    /** The ACLs {@code filter} matches. */
    public Iterable<AclBinding> acls(AclBindingFilter filter) {
        return authorizer.acls(filter);
    }

    void addAcl(Uuid id, StandardAcl acl) {
        authorizer.addAcl(id, acl);
    }

    void removeAcl(Uuid id) {
        authorizer.removeAcl(id);
    }

    @Override
    public void close() {
        try {
            authorizer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            metrics.close();
        }
    }
}
