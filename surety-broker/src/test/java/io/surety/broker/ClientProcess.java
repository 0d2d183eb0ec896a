package io.surety.broker;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A client program that is not Java (kcat, a node script) run as a child process, its standard
 * output and error written to files in a directory of its own, kept with the test's data. A run
 * either ends within its timeout or is killed and fails the test, so a client that hangs cannot
 * hang the build. A long-running client is told to stop by closing its standard input. Not
 * thread-safe: one test drives one instance.
 */
final class ClientProcess implements AutoCloseable {

    /** What a finished run left: its exit code and everything it printed. */
    record Result(int exitCode, String stdout, String stderr) {

        List<String> lines() {
            return stdout.lines().toList();
        }
    }

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ClientProcess(String name, List<String> command, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code command} in {@code workDir}, with {@code environment} added to this JVM's and
     * its output under {@code outputDir}; standard input stays open.
     */
    static ClientProcess start(Path outputDir, Path workDir, Map<String, String> environment, List<String> command)
            throws IOException {
        Files.createDirectories(outputDir);
        Path out = outputDir.resolve("stdout");
        Path err = outputDir.resolve("stderr");
        Files.writeString(outputDir.resolve("command"), String.join(" ", command) + "\n");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new ClientProcess(outputDir.getFileName().toString(), command, process, out, err);
    }

    /** Runs {@code command} to its end with {@code stdin} as its input; fails if it outlives {@code timeout}. */
    static Result run(Path outputDir, Path workDir, Duration timeout, String stdin, Map<String, String> environment,
            List<String> command) throws IOException, InterruptedException {
        try (ClientProcess client = start(outputDir, workDir, environment, command)) {
            try (OutputStream in = client.process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            return client.awaitExit(timeout);
        }
    }

    /** What the client printed on standard output so far, line by line. */
    List<String> linesSoFar() {
        try {
            return Files.readString(stdout).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the client's standard input, its signal to stop, without waiting for it. */
    void signalStop() throws IOException {
        process.getOutputStream().close();
    }

    /** Closes the client's standard input (its signal to stop) and waits for it to exit. */
    Result stop(Duration timeout) throws IOException, InterruptedException {
        signalStop();
        return awaitExit(timeout);
    }

    /** Asks the client to stop with SIGTERM, as a shell's kill does, and waits for it to exit. */
    Result terminate(Duration timeout) throws IOException, InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    private Result awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(name + " did not finish within " + timeout.toSeconds() + " s: "
                    + String.join(" ", command) + "\nstderr: " + Files.readString(stderr));
        }
        return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    /** Kills the client if it still runs, as when a test failed before stopping it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** The first executable named {@code program} on the PATH. */
    static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator)).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst();
    }
}
