package io.surety.broker.security;

import io.surety.broker.config.AuthorizerConfig;
import java.util.List;

/**
 * Authorization as the broker wires it when {@code authorizer.class.name} names Kafka's
 * authorizer: the authorizer requests are checked against, the ACLs it holds, and the store through
 * which they change. Immutable holder; each part states its own thread-safety.
 */
public record AccessControl(AclAuthorizer authorizer, AclState acls, SecurityStore store) {

    /** An authorizer with {@code config}'s super users and default, and no ACLs yet. */
    public static AccessControl create(AuthorizerConfig config) {
        AclAuthorizer authorizer = new AclAuthorizer(config);
        AclState acls = new AclState(authorizer);
        return new AccessControl(authorizer, acls, new SecurityStore(List.of(acls)));
    }
}
