package io.surety.broker.security;

/**
 * Authorization as the broker wires it when {@code authorizer.class.name} names Kafka's
 * authorizer: the authorizer requests are checked against, the ACLs it holds, and the store through
 * which they change on a single node (null on a cluster node, whose ACLs change through the
 * controller and arrive with the metadata). Immutable holder; each part states its own thread-safety.
 */
public record AccessControl(AclAuthorizer authorizer, AclState acls, SecurityStore store) {
}
