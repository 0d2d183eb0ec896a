package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void shouldKeepAWorkloadNamesOwnCommaWhenSplittingOnly() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--kafka-classpath", "k", "--surety-classpath", "s",
                "--only", "produce acks=1,produce acks=all idempotent, 100 partitions,consume (one consumer)");
        assertThat(command.only()).containsExactly("produce acks=1", "produce acks=all idempotent, 100 partitions",
                "consume (one consumer)");
    }
}
