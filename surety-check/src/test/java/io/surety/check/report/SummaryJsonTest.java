package io.surety.check.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryJsonTest {

    @TempDir
    Path dir;

    @Test
    void roundTripGivesBackTheSameSummary() {
        CheckSummary summary = Summaries.realistic();
        Path file = SummaryJson.write(summary, dir.resolve(SummaryJson.FILE_NAME));

        CheckSummary back = SummaryJson.read(file);

        assertThat(back).isEqualTo(summary);
        assertThat(back.results()).extracting(GuaranteeResult::guarantee)
                .containsExactly("at-most-once", "at-least-once", "exactly-once");
    }

    @Test
    void guaranteesNotRunRoundTripAndFailThePass() throws Exception {
        CheckSummary summary = Summaries.withoutExactlyOnce();

        CheckSummary back = SummaryJson.parse(SummaryJson.toJson(summary));

        assertThat(back).isEqualTo(summary);
        assertThat(back.passed()).isFalse();
        JsonNode root = new ObjectMapper().readTree(SummaryJson.toJson(summary));
        assertThat(root.path("notRun").path("exactly-once").asText()).contains("transactional producer");
        assertThat(root.path("passed").asBoolean()).isFalse();
        assertThat(SummaryJson.parse(SummaryJson.toJson(Summaries.realistic())).notRun()).isEmpty();
    }

    @Test
    void partialRunWithoutTimelineRoundTrips() {
        CheckSummary cut = new CheckSummary("localhost:9092", "2025-03-14T11:00:00Z", 1_200, false,
                "cluster unreachable", List.of(), List.of(), null);

        CheckSummary back = SummaryJson.parse(SummaryJson.toJson(cut));

        assertThat(back).isEqualTo(cut);
    }

    @Test
    void eachGuaranteeHasTheKeysOtherToolsRead() throws Exception {
        JsonNode root = new ObjectMapper().readTree(SummaryJson.toJson(Summaries.realistic()));

        assertThat(root.path("version").asInt()).isEqualTo(1);
        assertThat(root.path("target").asText()).isEqualTo("embedded Surety broker (127.0.0.1:19092)");
        assertThat(root.path("durationMs").asLong()).isEqualTo(60_000);
        assertThat(root.path("complete").asBoolean()).isTrue();
        assertThat(root.path("passed").asBoolean()).isFalse();
        assertThat(root.has("note")).isTrue();

        JsonNode guarantees = root.path("guarantees");
        assertThat(guarantees.properties()).extracting(e -> e.getKey())
                .containsExactly("at-most-once", "at-least-once", "exactly-once");
        for (JsonNode g : guarantees) {
            assertThat(g.fieldNames()).toIterable().contains("sent", "acknowledged", "delivered", "lost",
                    "duplicated", "reordered", "verdict", "violations", "failed", "lostUnacknowledged",
                    "logDuplicates", "abortedReads", "phantoms", "offsetsSkipped", "promise");
        }
        JsonNode amo = guarantees.path("at-most-once");
        assertThat(amo.path("sent").asLong()).isEqualTo(58_210);
        assertThat(amo.path("acknowledged").asLong()).isEqualTo(58_190);
        assertThat(amo.path("delivered").asLong()).isEqualTo(58_153);
        assertThat(amo.path("lost").asLong()).isEqualTo(37);
        assertThat(amo.path("verdict").asText()).isEqualTo("PASS");
        assertThat(amo.path("violations")).isEmpty();

        JsonNode eos = guarantees.path("exactly-once");
        assertThat(eos.path("duplicated").asLong()).isEqualTo(112);
        assertThat(eos.path("reordered").asLong()).isEqualTo(3);
        assertThat(eos.path("verdict").asText()).isEqualTo("FAIL");
        assertThat(eos.path("violations").get(0).asText()).isEqualTo(Summaries.DUPLICATES);

        assertThat(root.path("faults")).hasSize(6);
        assertThat(root.path("faults").get(1).path("name").asText()).isEqualTo("kill -9 broker");
        assertThat(root.path("faults").get(5).path("endMs").asLong()).isEqualTo(-1);
        assertThat(root.path("timeline").path("bucketMs").asLong()).isEqualTo(1000);
        assertThat(root.path("timeline").path("acknowledgedPerBucket").path("at-least-once")).hasSize(60);
        JsonNode stall = root.path("timeline").path("longestStalls").path("at-least-once");
        assertThat(stall.path("fromMs").asLong()).isEqualTo(8_450);
        assertThat(stall.path("toMs").asLong()).isEqualTo(16_020);
        assertThat(stall.path("durationMs").asLong()).isEqualTo(7_570);
    }

    @Test
    void partialRunIsFlagged() throws Exception {
        JsonNode root = new ObjectMapper().readTree(SummaryJson.toJson(Summaries.partial()));

        assertThat(root.path("complete").asBoolean()).isFalse();
        assertThat(root.path("passed").asBoolean()).as("a partial run never passes").isFalse();
        assertThat(root.path("note").asText()).isEqualTo("interrupted by the user after 21 s");
        assertThat(SummaryJson.parse(root.toString()).complete()).isFalse();
    }

    @Test
    void shouldGiveEachFaultItsStatusAndReasonAndCountFailedAndSkippedWhenAFaultFailed() throws Exception {
        CheckSummary summary = Summaries.brokerRestartFailed();
        JsonNode root = new ObjectMapper().readTree(SummaryJson.toJson(summary));

        assertThat(root.path("complete").asBoolean()).isFalse();
        assertThat(root.path("passed").asBoolean()).isFalse();
        assertThat(root.path("note").asText()).contains("broker kill -9 and restart failed");
        assertThat(root.path("faultsFailed").asLong()).isEqualTo(1);
        assertThat(root.path("faultsSkipped").asLong()).isEqualTo(1);
        JsonNode faults = root.path("faults");
        assertThat(faults.get(0).path("status").asText()).isEqualTo("ran");
        assertThat(faults.get(0).has("reason")).isTrue();
        assertThat(faults.get(0).path("reason").isNull()).isTrue();
        assertThat(faults.get(1).path("name").asText()).isEqualTo("broker kill -9 and restart");
        assertThat(faults.get(1).path("status").asText()).isEqualTo("failed");
        assertThat(faults.get(1).path("reason").asText()).isEqualTo(Summaries.RESTART_FAILED);
        assertThat(faults.get(2).path("status").asText()).isEqualTo("skipped");
        assertThat(faults.get(2).path("reason").asText()).contains("the run ended after");
        JsonNode counts = root.path("faultCounts");
        assertThat(counts.path("injected").asLong()).isEqualTo(1);
        assertThat(counts.path("leaderOrControllerKills").asLong()).isZero();
        assertThat(counts.path("failed").asLong()).isEqualTo(1);
        assertThat(counts.path("skipped").asLong()).isEqualTo(1);
        assertThat(SummaryJson.parse(root.toString())).isEqualTo(summary);
    }

    @Test
    void shouldCountNothingFailedOrSkippedWhenEveryFaultRan() throws Exception {
        JsonNode root = new ObjectMapper().readTree(SummaryJson.toJson(Summaries.realistic()));

        assertThat(root.path("faultsFailed").asLong()).isZero();
        assertThat(root.path("faultsSkipped").asLong()).isZero();
        for (JsonNode fault : root.path("faults")) {
            assertThat(fault.path("status").asText()).isEqualTo("ran");
        }
    }

    @Test
    void shouldCountTheFaultsByKindAndTheLeaderOrControllerKillsWhenACampaignRan() throws Exception {
        CheckSummary summary = new CheckSummary("3-node Surety cluster", "2026-12-07T14:00:00Z", 300_000, true, null,
                List.of(Summaries.atLeastOnce()), List.of(
                        new FaultWindow("partition leader kill -9 on node 3 [when hit: leaders p0 3]", 1_000, 10_000),
                        new FaultWindow("connection reset", 11_000, 11_000),
                        new FaultWindow("controller kill -9 on node 1 [when hit: controller 1]", 12_000, 16_000),
                        new FaultWindow("partition leader kill -9 on node 2 [when hit: leaders p0 2]", 90_000, 99_000),
                        new FaultWindow("network delay 300 ms for 3 s", 299_000, 299_000, FaultStatus.SKIPPED,
                                "the run ended before it was due")),
                null);
        JsonNode counts = new ObjectMapper().readTree(SummaryJson.toJson(summary)).path("faultCounts");

        assertThat(counts.path("injected").asLong()).isEqualTo(4);
        assertThat(counts.path("leaderOrControllerKills").asLong()).isEqualTo(3);
        assertThat(counts.path("failed").asLong()).isZero();
        assertThat(counts.path("skipped").asLong()).isEqualTo(1);
        assertThat(counts.path("byKind").toString())
                .isEqualTo("{\"connection-reset\":1,\"leader-crash\":2,\"controller-crash\":1}");
        assertThat(SummaryJson.parse(SummaryJson.toJson(summary)).faultCounts()).isEqualTo(summary.faultCounts());
    }

    @Test
    void shouldReadAFaultWithoutStatusAsOneThatRanWhenTheFileIsOlder() {
        CheckSummary back = SummaryJson.parse("{\"faults\": [{\"name\": \"connection reset\", \"startMs\": 10, "
                + "\"endMs\": 12}]}");

        assertThat(back.faults()).containsExactly(new FaultWindow("connection reset", 10, 12));
        assertThat(back.faultsFailed()).isZero();
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> SummaryJson.parse("[1, 2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SummaryJson.parse("{\"target\": ")).isInstanceOf(IllegalArgumentException.class);
    }
}
