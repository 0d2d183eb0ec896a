package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SuretyVersionTest {

    @Test
    void shouldKnowTheVersionAndTheCommitOfThisBuild() {
        assertThat(SuretyVersion.current()).matches("\\d+\\.\\d+\\.\\d+.*");
        // A build from a git checkout (this one, and CI's clone) knows its commit; Maven's
        // placeholder never reaches the output.
        assertThat(SuretyVersion.commit()).matches("[0-9a-f]{10}");
        assertThat(SuretyVersion.describe()).startsWith(SuretyVersion.current() + " (commit " + SuretyVersion.commit());
    }

    @Test
    void shouldPrintVersionAndCommitForTheVersionOption() {
        StringWriter out = new StringWriter();
        int exit = Main.commandLine(new String[] {"--version"}).setOut(new PrintWriter(out)).execute("--version");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("Surety " + SuretyVersion.current() + " (commit " + SuretyVersion.commit());
    }
}
