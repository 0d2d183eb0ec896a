package io.surety.broker.api;

import java.util.Collection;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What one API requires of the principal, checked before its handler runs ({@link AccessRules}).
 * A rule reads the request and answers with a {@link Verdict}; rules compose with {@link #then}.
 * Stateless.
 */
@FunctionalInterface
interface AccessRule {

    /** The verdict on {@code request}, starting from {@code access} (what earlier rules decided). */
    Verdict check(ApiRequest request, Access access);

    /** The verdict of one rule, then of {@code next} if the request may proceed. */
    default AccessRule then(AccessRule next) {
        return (request, access) -> {
            Verdict first = check(request, access);
            return first instanceof Verdict.Proceed proceed ? next.check(request, proceed.access()) : first;
        };
    }

    /** What a rule decided. */
    sealed interface Verdict {

        /** Handle the request, with these names denied. */
        record Proceed(Access access) implements Verdict {
        }

        /** Answer the whole request with {@code error} (Kafka's {@code getErrorResponse}). */
        record Reject(Errors error) implements Verdict {
        }

        /** Answer the whole request with {@code body}: where Kafka builds the denial itself. */
        record Answer(ApiMessage body) implements Verdict {
        }

        /** Close the connection without an answer: an acks=0 produce that was denied. */
        record Close(String reason) implements Verdict {
        }
    }

    /** No check at all (ApiVersions and the SASL exchange). */
    static AccessRule none() {
        return (request, access) -> new Verdict.Proceed(access);
    }

    /** The whole request needs {@code operation} on the cluster, else it is answered {@code error}. */
    static AccessRule cluster(AclOperation operation, Errors error) {
        return (request, access) -> access.allows(operation, ResourceType.CLUSTER, Resource.CLUSTER_NAME)
                ? new Verdict.Proceed(access) : new Verdict.Reject(error);
    }

    /**
     * The whole request needs {@code operation} on the resource {@code name} reads from it, else it
     * is answered {@code error}. A request without a name (null) is not checked here.
     */
    static AccessRule whole(AclOperation operation, ResourceType type, Function<ApiRequest, String> name, Errors error) {
        return (request, access) -> {
            String resource = name.apply(request);
            return resource == null || access.allows(operation, type, resource)
                    ? new Verdict.Proceed(access) : new Verdict.Reject(error);
        };
    }

    /**
     * Each name {@code names} reads from the request needs {@code operation}; those denied are
     * answered by the handler with the authorization error, before it looks whether they exist.
     */
    static AccessRule each(AclOperation operation, ResourceType type, Function<ApiRequest, Collection<String>> names) {
        return (request, access) -> new Verdict.Proceed(
                access.withDenied(type, access.deniedOf(operation, type, names.apply(request))));
    }

    /** {@code rule} where {@code applies} holds, {@code otherwise} elsewhere. */
    static AccessRule when(Predicate<ApiRequest> applies, AccessRule rule, AccessRule otherwise) {
        return (request, access) -> applies.test(request) ? rule.check(request, access) : otherwise.check(request, access);
    }

    /** The whole request needs {@code operation} on the cluster, else it is answered {@code denial}. */
    static AccessRule clusterElseAnswer(AclOperation operation, Supplier<ApiMessage> denial) {
        return (request, access) -> access.allows(operation, ResourceType.CLUSTER, Resource.CLUSTER_NAME)
                ? new Verdict.Proceed(access) : new Verdict.Answer(denial.get());
    }

    /** Nothing denied if {@code operation} is allowed on the cluster, else {@code rule}. */
    static AccessRule clusterOr(AclOperation operation, AccessRule rule) {
        return (request, access) -> access.allowsQuietly(operation, ResourceType.CLUSTER, Resource.CLUSTER_NAME)
                ? new Verdict.Proceed(access) : rule.check(request, access);
    }
}
