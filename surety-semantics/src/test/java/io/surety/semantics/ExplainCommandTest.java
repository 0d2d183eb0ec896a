package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {

    private static final Path EXAMPLES = Path.of("..", "docs", "examples");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int explain(String... args) {
        return ExplainCommand.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    private String example(String name) {
        return EXAMPLES.resolve(name + ".properties").toString();
    }

    @Test
    void shouldExitZeroWhenEachSampleGivesItsGuarantee() {
        for (Guarantee g : Guarantee.values()) {
            int code = explain("--producer-config", example(g.label() + "-producer"),
                    "--consumer-config", example(g.label() + "-consumer"), "--want", g.label());
            assertThat(code).as(g.label() + "\n" + out).isZero();
            assertThat(out.toString()).contains("Wanted: " + g.label() + " -> GIVEN")
                    .contains("Strongest guarantee these settings give: " + g.label());
        }
    }

    @Test
    void shouldPrintTheFindingsAndExitOneWhenTheWantedGuaranteeIsNotGiven() {
        int code = explain("--producer-config", example("mistakes-producer"),
                "--consumer-config", example("mistakes-consumer"), "--want", "at-least-once");
        assertThat(code).isEqualTo(1);
        assertThat(out.toString())
                .contains("Wanted: at-least-once -> NOT GIVEN (3 problems breaking it, 2 warnings)")
                .contains("[breaks] producer acks = 1")
                .contains("[breaks] consumer enable.auto.commit = true (client default)")
                .contains("[breaks] consumer auto.offset.reset = latest (client default)")
                .contains("Did you mean enable.idempotence?")
                .contains("Strongest guarantee these settings give: none");
    }

    @Test
    void shouldCheckOneSideAlone() throws Exception {
        Path producer = dir.resolve("p.properties");
        Files.writeString(producer, "bootstrap.servers=localhost:9092\nacks=0\nretries=0\n");
        assertThat(explain("--producer-config", producer.toString(), "--want", "at-most-once")).isZero();
        assertThat(out.toString()).contains("Only the producer settings were checked");
    }

    @Test
    void shouldExitZeroAndTellTheStrongestWhenNothingIsWanted() {
        int code = explain("--producer-config", example("at-least-once-producer"),
                "--consumer-config", example("at-least-once-consumer"));
        assertThat(code).isZero();
        assertThat(out.toString()).contains("Strongest guarantee these settings give: at-least-once")
                .contains("Not exactly-once: producer transactional.id = (not set)");
    }

    @Test
    void shouldExitTwoOnBadInput() {
        assertThat(explain("--producer-config", dir.resolve("missing.properties").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file");
        assertThat(explain()).isEqualTo(2);
        assertThat(err.toString()).contains("Give --producer-config FILE, --consumer-config FILE, or both");
        assertThat(explain("--producer-config", example("at-most-once-producer"), "--want", "twice")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown guarantee 'twice'");
        assertThat(explain("--no-such-option")).isEqualTo(2);
    }
}
