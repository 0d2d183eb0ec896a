package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which commands {@link Main} builds for a command line: the start builds only what it runs. */
class MainCommandLineTest {

    @Test
    void shouldBuildNoSubcommandToStartTheBroker() {
        assertThat(Main.commandLine(new String[0]).getSubcommands()).isEmpty();
        assertThat(Main.commandLine(new String[] {"server.properties", "--override", "node.id=2"}).getSubcommands())
                .isEmpty();
    }

    @Test
    void shouldBuildOnlyTheSubcommandNamedFirst() {
        assertThat(Main.commandLine(new String[] {"format", "--cluster-id", "x"}).getSubcommands())
                .containsOnlyKeys("format");
        assertThat(Main.commandLine(new String[] {"random-uuid"}).getSubcommands()).containsOnlyKeys("random-uuid");
        assertThat(Main.commandLine(new String[] {"recover"}).getSubcommands()).containsOnlyKeys("recover");
    }

    @Test
    void shouldListEverySubcommandUnderItsOwnNameWhenHelpIsAsked() {
        assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands().keySet())
                .containsExactly("recover", "format", "random-uuid");
        assertThat(Main.commandLine(new String[] {"-h"}).getUsageMessage()).contains("random-uuid", "recover", "format");
    }
}
