package io.surety.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three consumers of one group split six partitions; one of them, a child JVM, is killed with
 * {@code kill -9}, so its heartbeats stop and it never leaves. Its partitions must move to the two
 * others once the session timeout expires, and every record acknowledged to a producer that runs
 * throughout the test must be consumed by the group.
 *
 * <p>Members process, then commit (at-least-once), so records may be consumed twice, but only
 * around the hand-over: the poll the killed member processed without committing, and polls whose
 * commit the rebalance refused. The test checks that no record is lost, that every duplicate was
 * first consumed before the hand-over completed, and that the hand-over took at least half the
 * session timeout (the broker did not take the dropped connections for a LeaveGroup) and at most
 * the session timeout plus a rebalance allowance.
 *
 * <p>Runs for the classic protocol with a client-side eager assignor (range) and an incremental
 * one (cooperative-sticky), and for the consumer protocol (KIP-848) with both server-side
 * assignors. The consumer protocol runs with 3.9 clients too: it is generally available only from
 * Kafka 4.0 (a preview in 3.9, where Apache Kafka brokers must enable it), but the 3.9 client
 * accepts {@code group.protocol=consumer} without any other switch and speaks
 * ConsumerGroupHeartbeat v0, which Surety serves; Admin confirms the group's type.
 */
class GroupCompatIT {

    @RegisterExtension
    static final ChildBrokerExtension BROKER = GroupSettings.brokerConfig(new ChildBrokerExtension());

    private static final Set<Integer> ALL = allPartitions();
    private static final int RECORDS_PER_SECOND = 400;
    /** Time for the survivors to notice the rebalance, rejoin and sync, on a busy two-core machine. */
    private static final long REBALANCE_ALLOWANCE_MS = 5_000;
    private static final Duration GROUP_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldHandOverPartitionsOfAKilledMemberWhenClassicWithRangeAssignor() throws Exception {
        handOverAfterKill9(GroupSettings.CLASSIC, "range");
    }

    @Test
    void shouldHandOverPartitionsOfAKilledMemberWhenClassicWithCooperativeStickyAssignor() throws Exception {
        handOverAfterKill9(GroupSettings.CLASSIC, "cooperative-sticky");
    }

    @Test
    void shouldHandOverPartitionsOfAKilledMemberWhenConsumerProtocolWithUniformAssignor() throws Exception {
        handOverAfterKill9(GroupSettings.CONSUMER, "uniform");
    }

    @Test
    void shouldHandOverPartitionsOfAKilledMemberWhenConsumerProtocolWithRangeAssignor() throws Exception {
        handOverAfterKill9(GroupSettings.CONSUMER, "range");
    }

    private void handOverAfterKill9(String protocol, String assignor) throws Exception {
        String name = protocol + "-" + assignor;
        String topic = "group-" + name;
        BROKER.createTopic(topic);
        GroupSettings settings = new GroupSettings(BROKER.bootstrapServers(), topic, "group-" + name, protocol, assignor);
        Queue<GroupMember.Consumption> consumed = new ConcurrentLinkedQueue<>();
        try (ChildClient victim = ChildClient.start(GroupConsumerMain.class, settings.args(),
                    BROKER.runDir().resolve("victim-" + name + ".log"));
                GroupMember a = new GroupMember("a", settings, consumed);
                GroupMember b = new GroupMember("b", settings, consumed)) {
            await("three members own two partitions each").atMost(GROUP_TIMEOUT).untilAsserted(() -> {
                assertThat(List.of(a.owned(), b.owned(), victimOwned(victim))).allSatisfy(p -> assertThat(p).hasSize(2));
                assertThat(union(a.owned(), b.owned(), victimOwned(victim))).isEqualTo(ALL);
            });
            assertGroupType(settings);

            Set<String> produced;
            long handOverMs;
            long settledNs;
            try (PacedProducer producer = new PacedProducer(BROKER.bootstrapServers(), topic, ALL.size(), name,
                    RECORDS_PER_SECOND)) {
                await("every member consumes").atMost(GROUP_TIMEOUT).untilAsserted(() -> {
                    assertThat(victim.lines("RECORD")).hasSizeGreaterThan(20);
                    assertThat(consumed).extracting(GroupMember.Consumption::member).contains("a", "b");
                });

                victim.kill9();
                long killedNs = System.nanoTime();
                await("the survivors own all six partitions").atMost(GROUP_TIMEOUT).pollInterval(Duration.ofMillis(20))
                        .untilAsserted(() -> {
                            assertThat(union(a.owned(), b.owned())).isEqualTo(ALL);
                            assertThat(a.owned()).doesNotContainAnyElementsOf(b.owned());
                        });
                settledNs = System.nanoTime();
                handOverMs = TimeUnit.NANOSECONDS.toMillis(settledNs - killedNs);

                int producedAtHandOver = producer.acknowledged().size();
                await("records produced after the hand-over").atMost(GROUP_TIMEOUT)
                        .until(() -> producer.acknowledged().size() >= producedAtHandOver + RECORDS_PER_SECOND);
                produced = producer.stop();
                assertThat(producer.failure()).as("producer failure").isNull();
            }

            await("the group consumes every acknowledged record").atMost(GROUP_TIMEOUT).untilAsserted(() ->
                    assertThat(consumedValues(consumed, victim).keySet()).containsAll(produced));
            Map<String, List<Long>> byValue = consumedValues(consumed, victim);
            List<String> duplicates = byValue.entrySet().stream().filter(e -> e.getValue().size() > 1)
                    .map(Map.Entry::getKey).toList();
            System.out.printf("[compat] %s: hand-over %d ms after kill -9 (session timeout %d ms); %d records produced,"
                    + " %d consumed by the killed member, %d duplicates, %d commits refused by rebalances%n",
                    name, handOverMs, GroupSettings.SESSION_TIMEOUT_MS, produced.size(), victim.lines("RECORD").size(),
                    duplicates.size(), a.failedCommits() + b.failedCommits());

            assertThat(a.failure()).as("member a failure").isNull();
            assertThat(b.failure()).as("member b failure").isNull();
            assertThat(handOverMs).as("hand-over time (ms)")
                    .isGreaterThanOrEqualTo(GroupSettings.SESSION_TIMEOUT_MS / 2)
                    .isLessThan(GroupSettings.SESSION_TIMEOUT_MS + REBALANCE_ALLOWANCE_MS);
            assertThat(byValue.keySet()).as("values consumed that were never produced").isSubsetOf(produced);
            for (String duplicate : duplicates) {
                assertThat(Collections.min(byValue.get(duplicate))).as("first consumption of duplicate %s", duplicate)
                        .isLessThan(settledNs);
            }
        }
    }

    /** Admin describes the group as one of the protocol's type, with three members. */
    private static void assertGroupType(GroupSettings settings) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(settings.groupId()))
                    .describedGroups().get(settings.groupId()).get(30, TimeUnit.SECONDS);
            assertThat(description.type()).as("type of %s", settings.groupId())
                    .isEqualTo(settings.protocol().equals(GroupSettings.CLASSIC) ? GroupType.CLASSIC : GroupType.CONSUMER);
            assertThat(description.members()).as("members of %s", settings.groupId()).hasSize(3);
        }
    }

    /**
     * Every value consumed, with the {@link System#nanoTime} of each consumption in order; the
     * killed member's consumptions count as {@link Long#MIN_VALUE} (before its death).
     */
    private static Map<String, List<Long>> consumedValues(Queue<GroupMember.Consumption> consumed, ChildClient victim)
            throws IOException {
        Map<String, List<Long>> byValue = new HashMap<>();
        for (String line : victim.lines("RECORD")) {
            String value = line.split(" ", 3)[2];
            byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(Long.MIN_VALUE);
        }
        for (GroupMember.Consumption consumption : consumed) {
            byValue.computeIfAbsent(consumption.value(), v -> new ArrayList<>()).add(consumption.atNs());
        }
        return byValue;
    }

    /** The partitions the child member last reported owning. */
    private static Set<Integer> victimOwned(ChildClient victim) throws IOException {
        List<String> reports = victim.lines("OWNED");
        Set<Integer> owned = new TreeSet<>();
        if (reports.isEmpty()) {
            return owned;
        }
        for (String partition : reports.get(reports.size() - 1).replaceAll("[\\[\\] ]", "").split(",")) {
            if (!partition.isEmpty()) {
                owned.add(Integer.parseInt(partition));
            }
        }
        return owned;
    }

    @SafeVarargs
    private static Set<Integer> union(Set<Integer>... sets) {
        Set<Integer> union = new TreeSet<>();
        for (Set<Integer> set : sets) {
            union.addAll(set);
        }
        return union;
    }

    private static Set<Integer> allPartitions() {
        Set<Integer> all = new TreeSet<>();
        for (int p = 0; p < ChildBrokerExtension.PARTITIONS; p++) {
            all.add(p);
        }
        return Set.copyOf(all);
    }
}
