package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options the check cannot run with end at once with exit code 2 and a message naming the problem. */
class CheckCommandTest {

    @TempDir
    Path directory;

    @Test
    void shouldRefuseARestartCommandWithoutACluster() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--broker-restart-command", "true");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--broker-restart-command only applies with --bootstrap-server");
    }

    @Test
    void shouldRefuseATwoNodeCluster() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--brokers", "2");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--brokers must be 1, or 3 to 5");
    }

    @Test
    void shouldRefuseKafkaNodesWithoutACluster() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--kafka-classpath", "/opt/kafka/libs/*");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--kafka-classpath runs a cluster of Apache Kafka nodes: add --brokers 3");
    }

    @Test
    void shouldRefuseAClusterOfItsOwnWithABootstrapServer() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--brokers", "3", "--bootstrap-server", "a:9092");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--brokers starts a cluster of its own");
    }

    @Test
    void shouldRefuseAClusterFaultOnASingleBroker() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--faults", "leader-crash");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--faults leader-crash needs a cluster: add --brokers 3");
    }

    @Test
    void shouldRefuseAMissingConfigFile() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--producer-config", directory.resolve("nope.properties").toString());

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("cannot read --producer-config").contains("nope.properties");
    }

    @Test
    void shouldRefuseSettingsNoClientWouldStartWith() throws Exception {
        Path config = Files.writeString(directory.resolve("producer.properties"), "acks=sometimes\n");

        CommandRun run = CommandRun.execute(directory, "--producer-config", config.toString());

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("cannot be used for").contains("acks");
    }

    @Test
    void shouldRefuseAnUnknownGuarantee() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--guarantee", "at-least-twice");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("Unknown guarantee 'at-least-twice'");
    }

    @Test
    void shouldRefuseAClusterListItCannotProxy() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--bootstrap-server", "a:9092,b:9092");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--bootstrap-server must be one HOST:PORT");
    }

    @Test
    void shouldRefuseATooShortRun() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--duration", "3");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--duration must be at least 10 seconds");
    }

    @Test
    void shouldRefuseADurationItCannotRead() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--duration", "30min");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--duration must be a whole number of seconds or a length like 90s, 30m or 2h, "
                + "not '30min'");
    }

    @Test
    void shouldReadADurationInMinutesOrHours() throws Exception {
        for (String length : List.of("30m", "2h", "90s", "600")) {
            CommandRun run = CommandRun.execute(directory, "--duration", length, "--rate", "0");

            assertThat(run.console.lines().findFirst()).as(length).hasValueSatisfying(first -> assertThat(first)
                    .startsWith("--rate must be between"));
        }
    }

    @Test
    void shouldRefuseATooShortRunWrittenWithItsUnit() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--duration", "9s");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--duration must be at least 10 seconds");
    }

    @Test
    void shouldRefuseAnUnknownFault() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--faults", "broker-crash,meteor");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("Unknown fault 'meteor'").contains("consumer-crash-mid-batch");
    }

    @Test
    void shouldRefuseFaultsTogetherWithNoFaults() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--faults", "delay", "--no-faults");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("--no-faults and --faults contradict each other");
    }
}
