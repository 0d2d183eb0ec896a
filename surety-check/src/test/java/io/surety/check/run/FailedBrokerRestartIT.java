package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surety.check.cluster.ChildBrokerTarget;
import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryReader;
import io.surety.check.report.HtmlReport;
import io.surety.check.report.SummaryJson;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.GuaranteeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check against a broker whose {@code --broker-restart-command} fails. The check cannot know
 * what a failed restart left behind, so the run ends there: exit code 2, a partial report that
 * names the failed fault and its reason, the fault due after it skipped, nothing read back and no
 * record judged lost for want of a read-back.
 */
class FailedBrokerRestartIT {

    private static final String BROKER_CRASH = "broker kill -9 and restart";

    @TempDir
    Path directory;

    private ChildBrokerTarget broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = ChildBrokerTarget.start(Files.createDirectories(directory.resolve("broker")), 3);
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldEndWithAPartialReportNamingTheFailedFaultWhenTheBrokerRestartCommandFails() throws Exception {
        CommandRun run = CommandRun.execute(directory, "--bootstrap-server", broker.bootstrapServers(),
                "--broker-restart-command", "echo 'cannot restart the broker' >&2; exit 1",
                "--guarantee", "at-least-once", "--duration", "10", "--faults", "connection-reset,broker-crash");

        assertThat(run.exitCode).as(run.console).isEqualTo(CheckCommand.NOT_DONE);

        JsonNode json = new ObjectMapper().readTree(run.reportDirectory.resolve(SummaryJson.FILE_NAME).toFile());
        assertThat(json.path("complete").asBoolean()).isFalse();
        assertThat(json.path("passed").asBoolean()).isFalse();
        assertThat(json.path("note").asText()).contains(BROKER_CRASH + " failed", "exited with 1",
                "the logs were not read back");
        assertThat(json.path("faultsFailed").asLong()).isEqualTo(1);
        assertThat(json.path("faultsSkipped").asLong()).isEqualTo(1);
        List<JsonNode> faults = List.copyOf(json.path("faults").findParents("name"));
        assertThat(faults).extracting(f -> f.path("name").asText() + ": " + f.path("status").asText())
                .containsExactly("connection reset: ran", BROKER_CRASH + ": failed", BROKER_CRASH + ": skipped");
        assertThat(faults.get(0).path("reason").isNull()).isTrue();
        assertThat(faults.get(1).path("reason").asText()).startsWith("the broker restart command exited with 1");
        assertThat(faults.get(2).path("reason").asText()).isEqualTo("the run ended after " + BROKER_CRASH + " failed");

        CheckSummary summary = run.summary();
        GuaranteeResult atLeastOnce = run.result("at-least-once");
        assertThat(atLeastOnce.acknowledged()).isPositive();
        assertThat(atLeastOnce.verdict().passed()).as("records in flight are not judged lost").isTrue();
        assertThat(summary.faultsFailed()).isEqualTo(1);

        String html = Files.readString(run.reportDirectory.resolve(HtmlReport.FILE_NAME));
        assertThat(html).contains("id=\"fault-failed\"", "<strong>A fault failed.</strong>",
                "the broker restart command exited with 1", "<strong>Partial run.</strong>",
                "<td class=\"fault-status\">failed: the broker restart command exited with 1");

        assertThat(run.console).contains("FAULT FAILED: " + BROKER_CRASH, "PARTIAL RUN", "INCOMPLETE");

        List<HistoryEvent> history = HistoryReader.read(directory.resolve("work/history/run.jsonl"));
        assertThat(history).filteredOn(e -> e.type() == EventType.FAULT_FAILED).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo(BROKER_CRASH))
                .satisfies(e -> assertThat(e.reason()).startsWith("the broker restart command exited with 1"));
        assertThat(history).as("nothing read back from a broker that may be down")
                .noneMatch(e -> e.type() == EventType.LOG_READ);
        List<EventType> types = history.stream().map(HistoryEvent::type).toList();
        assertThat(types.lastIndexOf(EventType.FAULT_SKIPPED)).as("every fault is recorded before the run ends")
                .isLessThan(types.indexOf(EventType.RUN_END));
        assertThat(Files.readString(directory.resolve("work/restart-command.log"))).contains("cannot restart the broker");
    }
}
