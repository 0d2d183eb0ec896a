package io.surety.broker.config;

import org.apache.kafka.common.config.ConfigException;

/**
 * Authorization settings, with Kafka's keys and meanings:
 * <ul>
 *   <li>{@code authorizer.class.name}: empty (Kafka's default) for no authorization, or
 *       {@value #STANDARD_AUTHORIZER}, Kafka's own ACL authorizer; any other class is refused;
 *   <li>{@code super.users}: principals ({@code User:admin;User:ops}) allowed every operation;
 *   <li>{@code allow.everyone.if.no.acl.found}: whether a resource no ACL matches is open to all.
 * </ul>
 * Immutable.
 *
 * @param enabled whether requests are authorized at all
 * @param superUsers {@code super.users} as written, semicolon-separated
 * @param allowEveryoneIfNoAclFound {@code allow.everyone.if.no.acl.found}
 */
public record AuthorizerConfig(boolean enabled, String superUsers, boolean allowEveryoneIfNoAclFound) {

    public static final String AUTHORIZER_CLASS_NAME = "authorizer.class.name";
    public static final String SUPER_USERS = "super.users";
    public static final String ALLOW_EVERYONE_IF_NO_ACL_FOUND = "allow.everyone.if.no.acl.found";
    /** The one authorizer served: Kafka's KRaft-mode ACL authorizer. */
    public static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    /** No authorization: every request is allowed, as in Kafka without an authorizer. */
    public static final AuthorizerConfig NONE = new AuthorizerConfig(false, "", false);

    static AuthorizerConfig from(ParsedSettings parsed, ClusterConfig cluster) {
        String className = parsed.string(AUTHORIZER_CLASS_NAME).trim();
        if (className.isEmpty()) {
            return new AuthorizerConfig(false, parsed.string(SUPER_USERS),
                    parsed.booleanValue(ALLOW_EVERYONE_IF_NO_ACL_FOUND));
        }
        if (!className.equals(STANDARD_AUTHORIZER)) {
            throw new ConfigException(AUTHORIZER_CLASS_NAME, className, "the only authorizer served is "
                    + STANDARD_AUTHORIZER + " (or leave it empty for none)");
        }
        return new AuthorizerConfig(true, parsed.string(SUPER_USERS), parsed.booleanValue(ALLOW_EVERYONE_IF_NO_ACL_FOUND));
    }
}
