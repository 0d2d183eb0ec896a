package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Three consumers split six partitions; one of them (a child JVM) is killed with {@code kill -9},
 * so its heartbeats stop without a LeaveGroup; its partitions must move to the two others within
 * the session timeout plus one rebalance, and every record produced must be consumed by the group.
 */
class ConsumerGroupIT {

    private static final int SESSION_TIMEOUT_MS = 6000;
    private static final Set<Integer> ALL = Set.of(0, 1, 2, 3, 4, 5);

    @Test
    void shouldHandOverPartitionsWhenAClassicRangeMemberDies() throws Exception {
        runGroup("classic", "range");
    }

    @Test
    void shouldHandOverPartitionsWhenACooperativeStickyMemberDies() throws Exception {
        runGroup("classic", "cooperative-sticky");
    }

    @Test
    void shouldHandOverPartitionsWhenAConsumerProtocolMemberDies() throws Exception {
        runGroup("consumer", "uniform");
    }

    @Test
    void shouldHandOverPartitionsWhenAConsumerProtocolRangeMemberDies() throws Exception {
        runGroup("consumer", "range");
    }

    static SuretyBroker.Builder groupBroker() {
        return SuretyBroker.builder().tempDataDir()
                .config("num.partitions", "6")
                .config("group.initial.rebalance.delay.ms", "0")
                .config("group.consumer.session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS))
                .config("group.consumer.min.session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS))
                .config("group.consumer.heartbeat.interval.ms", "500")
                .config("group.consumer.min.heartbeat.interval.ms", "500");
    }

    void runGroup(String protocol, String assignor) throws Exception {
        String name = protocol + "-" + assignor;
        Path logs = Path.of("target", "it-logs", "ConsumerGroupIT-" + name);
        Files.createDirectories(logs);
        try (SuretyBroker broker = groupBroker().start();
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 5),
                        new StringSerializer(), new StringSerializer())) {
            String topic = "orders-" + name;
            List<String> produced = new ArrayList<>(produce(producer, topic, "warmup", 60));
            GroupMember.Settings settings = new GroupMember.Settings(broker.bootstrapServers(), topic, "group-" + name,
                    protocol, assignor);
            Set<String> seen = GroupMember.newSeenSet();
            try (JvmProcess victim = JvmProcess.builder().mainClass(GroupConsumerMain.class.getName())
                    .classpath(System.getProperty("java.class.path")).jvmArgs("-Xmx256m")
                    .args(settings.bootstrap(), topic, settings.group(), protocol, assignor)
                    .logFile(logs.resolve("victim.log")).build().start()) {
                victim.awaitLogLine(Pattern.compile("STARTED"), Duration.ofSeconds(30));
                try (GroupMember a = new GroupMember("a", settings, seen);
                        GroupMember b = new GroupMember("b", settings, seen)) {
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        Set<Integer> v = victimOwned(victim);
                        assertThat(a.owned()).hasSize(2);
                        assertThat(b.owned()).hasSize(2);
                        assertThat(v).hasSize(2);
                        Set<Integer> union = new TreeSet<>(a.owned());
                        union.addAll(b.owned());
                        union.addAll(v);
                        assertThat(union).isEqualTo(ALL);
                    });
                    produced.addAll(produce(producer, topic, "before", 300));
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(
                            () -> assertThat(union(seen, victimRecords(victim))).containsAll(produced));

                    victim.kill9();
                    long killedNs = System.nanoTime();
                    produced.addAll(produce(producer, topic, "after", 300));
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        Set<Integer> union = new TreeSet<>(a.owned());
                        union.addAll(b.owned());
                        assertThat(union).isEqualTo(ALL);
                    });
                    long handOverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
                    System.out.printf("%s: partitions of the killed member handed over after %d ms (session timeout %d ms)%n",
                            name, handOverMs, SESSION_TIMEOUT_MS);
                    assertThat(handOverMs).isLessThan(SESSION_TIMEOUT_MS + 5_000L);
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(
                            () -> assertThat(union(seen, victimRecords(victim))).containsAll(produced));
                    assertThat(a.failure()).isNull();
                    assertThat(b.failure()).isNull();
                }
            }
        }
    }

    static List<String> produce(KafkaProducer<String, String> producer, String topic, String prefix, int count)
            throws Exception {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = prefix + "-" + i;
            producer.send(new ProducerRecord<>(topic, "key-" + i, value));
            values.add(value);
        }
        producer.flush();
        return values;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    static Set<String> victimRecords(JvmProcess victim) throws IOException {
        Set<String> out = new HashSet<>();
        for (String line : Files.readAllLines(victim.logFile())) {
            if (line.startsWith("RECORD ")) {
                out.add(line.substring("RECORD ".length()));
            }
        }
        return out;
    }

    static Set<Integer> victimOwned(JvmProcess victim) throws IOException {
        String last = null;
        for (String line : Files.readAllLines(victim.logFile())) {
            if (line.startsWith("OWNED ")) {
                last = line;
            }
        }
        Set<Integer> owned = new TreeSet<>();
        if (last != null) {
            String list = last.substring("OWNED ".length()).replaceAll("[\\[\\] ]", "");
            for (String p : list.split(",")) {
                if (!p.isEmpty()) {
                    owned.add(Integer.parseInt(p));
                }
            }
        }
        return owned;
    }
}
