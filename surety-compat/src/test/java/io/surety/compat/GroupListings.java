package io.surety.compat;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupsOptions;
import org.apache.kafka.common.ConsumerGroupState;

/**
 * The Admin calls for group listings and states that both client lines share. Kafka 4.x marks them
 * for removal (KIP-1043: {@code Admin.listGroups}, {@code GroupState}) but 3.9 has nothing else,
 * so they are confined here and states are handed out by name ({@code "Stable"}, {@code "Empty"}).
 * Stateless.
 */
@SuppressWarnings({"deprecation", "removal"})
final class GroupListings {

    private static final long TIMEOUT_S = 30;

    private GroupListings() {
    }

    /** One listed consumer group: its id, whether it is a simple (member-less) group, its state. */
    record Listed(String groupId, boolean simple, String state) {
    }

    /**
     * The consumer groups Admin lists, by id; with {@code states}, only those in one of them.
     */
    static Map<String, Listed> list(Admin admin, String... states)
            throws InterruptedException, ExecutionException, TimeoutException {
        ListConsumerGroupsOptions options = new ListConsumerGroupsOptions();
        if (states.length > 0) {
            options.inStates(Arrays.stream(states).map(ConsumerGroupState::parse).collect(Collectors.toSet()));
        }
        return admin.listConsumerGroups(options).all().get(TIMEOUT_S, TimeUnit.SECONDS).stream()
                .map(GroupListings::listed)
                .collect(Collectors.toMap(Listed::groupId, Function.identity()));
    }

    /** The state of a described group, by name. */
    static String state(ConsumerGroupDescription description) {
        return description.state().toString();
    }

    private static Listed listed(ConsumerGroupListing listing) {
        return new Listed(listing.groupId(), listing.isSimpleConsumerGroup(),
                listing.state().map(ConsumerGroupState::toString).orElse("(none)"));
    }
}
