package io.surety.bench;

import io.surety.harness.JvmProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a command-line tool's main class in its own JVM (Kafka's perf tools, Kafka's storage
 * formatter), with its combined output captured. A run that exceeds its time limit is killed.
 */
record ToolRun(int exitCode, List<String> output) {

    static ToolRun run(String classpath, String mainClass, Duration limit, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(JvmProcess.javaExecutable().toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        Collections.addAll(command, args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output lost: " + e + ")");
            }
        }, "tool-output");
        reader.start();
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                reader.join(5_000);
                lines.add("(killed after " + limit + ")");
                return new ToolRun(-1, List.copyOf(lines));
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("Interrupted while running " + mainClass, e);
        }
        return new ToolRun(process.exitValue(), List.copyOf(lines));
    }
}
