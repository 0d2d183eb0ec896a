package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Exit;

/**
 * Runs one of Kafka's command-line tools in this JVM through its {@code main}, capturing what it
 * prints and turning its exit into a test failure when the status is not 0. Callers reset the exit
 * procedure after each test ({@link Exit#resetExitProcedure()}). Not thread-safe: it swaps
 * {@code System.out} while the tool runs.
 */
public final class KafkaToolMain {

    private KafkaToolMain() {
    }

    /**
     * Runs a Kafka tool's {@code main} with {@code args}; returns what it printed, or fails if it
     * exited non-zero. A tool exits from inside its own error handling too, so the first exit status
     * is its answer.
     */
    public static String run(Consumer<String[]> tool, String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<Integer> statuses = new ArrayList<>();
        Exit.setExitProcedure((status, message) -> {
            statuses.add(status);
            throw new ToolExit(status);
        });
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            tool.accept(args);
        } catch (ToolExit exit) {
            assertThat(statuses.get(0)).as("exit status; it printed:%n%s", captured).isZero();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.println(out);
        return out;
    }

    private static final class ToolExit extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ToolExit(int status) {
            super("tool exited with " + status);
        }
    }
}
