package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.ConsumerPerformance;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kafka's own command-line tools against the broker: ConsumerPerformance and kafka-consumer-groups. */
class KafkaToolsIT {

    @BeforeEach
    void trapExit() {
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("tool exited with " + status + ": " + message);
        });
    }

    @AfterEach
    void releaseExit() {
        Exit.resetExitProcedure();
    }

    private static String run(Runnable tool) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            tool.run();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.println(out);
        return out;
    }

    @Test
    void shouldConsumeWithConsumerPerformanceWhenItSubscribesWithAGroup() throws Exception {
        try (SuretyBroker broker = ConsumerGroupIT.groupBroker().start();
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 5),
                        new StringSerializer(), new StringSerializer());
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            ConsumerGroupIT.produce(producer, "perf", "r", 5000);
            String out = run(() -> ConsumerPerformance.main(new String[] {"--bootstrap-server", broker.bootstrapServers(),
                "--topic", "perf", "--num-records", "5000", "--group", "perf-group", "--timeout", "60000"}));
            assertThat(out).contains("data.consumed.in.nMsg");
            String[] lines = out.strip().split("\n");
            String[] values = lines[lines.length - 1].split(",");
            assertThat(Long.parseLong(values[4].trim())).isEqualTo(5000);
            assertThat(admin.listConsumerGroupOffsets("perf-group").partitionsToOffsetAndMetadata().get()).isNotEmpty();
        }
    }

    @Test
    void shouldListDescribeShowLagAndResetOffsetsWithTheConsumerGroupsCommand() throws Exception {
        try (SuretyBroker broker = ConsumerGroupIT.groupBroker().config("num.partitions", "1").start();
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            ConsumerGroupIT.produce(producer, "lagging", "r", 100);
            TopicPartition tp = new TopicPartition("lagging", 0);
            String bootstrap = broker.bootstrapServers();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "group.id", "tool-group", "enable.auto.commit", "false", "auto.offset.reset", "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("lagging"));
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(100));
                }
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(60)));
                String list = run(() -> ConsumerGroupCommand.main(new String[] {"--bootstrap-server", bootstrap, "--list"}));
                assertThat(list).contains("tool-group");
                String describe = run(() -> ConsumerGroupCommand.main(new String[] {"--bootstrap-server", bootstrap,
                    "--describe", "--group", "tool-group"}));
                assertThat(describe).containsPattern("tool-group\\s+lagging\\s+0\\s+60\\s+100\\s+40\\s+consumer-tool-group");
                String members = run(() -> ConsumerGroupCommand.main(new String[] {"--bootstrap-server", bootstrap,
                    "--describe", "--members", "--group", "tool-group"}));
                assertThat(members).contains("consumer-tool-group");
            }
            String reset = run(() -> ConsumerGroupCommand.main(new String[] {"--bootstrap-server", bootstrap,
                "--reset-offsets", "--group", "tool-group", "--topic", "lagging", "--to-earliest", "--execute"}));
            assertThat(reset).containsPattern("tool-group\\s+lagging\\s+0\\s+0");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.listConsumerGroupOffsets("tool-group").partitionsToOffsetAndMetadata().get()
                        .get(tp).offset()).isZero();
                assertThat(admin.listConsumerGroupOffsets("tool-group").partitionsToOffsetAndMetadata().get().keySet())
                        .isEqualTo(Set.of(tp));
            }
        }
    }
}
