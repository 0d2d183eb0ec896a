package io.surety.broker.security;

/**
 * Authorization as the broker wires it when {@code authorizer.class.name} names Kafka's
 * authorizer: the authorizer requests are checked against, the ACLs it holds, and the store through
 * which they change. Immutable holder; each part states its own thread-safety.
 */
public record AccessControl(AclAuthorizer authorizer, AclState acls, SecurityStore store) {
}
