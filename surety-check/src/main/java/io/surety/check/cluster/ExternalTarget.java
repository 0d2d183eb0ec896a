package io.surety.check.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A cluster the user runs. The check never starts or stops it; a broker crash is whatever the
 * user's restart command does (say {@code kill -9 $(cat broker.pid) && ./start-broker.sh}), and
 * the check waits for that command to finish before it counts the broker as back.
 */
public final class ExternalTarget implements Target {

    private static final long RESTART_TIMEOUT_S = 120;

    private final String bootstrapServers;
    private final String restartCommand;
    private final Path logFile;

    /**
     * @param restartCommand a shell command that crashes and restarts the broker, or null if none was given
     * @param logFile        where the command's output goes
     */
    public ExternalTarget(String bootstrapServers, String restartCommand, Path logFile) {
        this.bootstrapServers = bootstrapServers;
        this.restartCommand = restartCommand;
        this.logFile = logFile;
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public String describe() {
        return "cluster at " + bootstrapServers + (restartCommand == null ? "" : " (crashed with: " + restartCommand + ")");
    }

    @Override
    public boolean canCrash() {
        return restartCommand != null;
    }

    @Override
    public void crashAndRestart() {
        if (restartCommand == null) {
            throw new IllegalStateException("no broker restart command was given");
        }
        try {
            Process process = new ProcessBuilder("bash", "-c", restartCommand)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!process.waitFor(RESTART_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the broker restart command did not finish within "
                        + RESTART_TIMEOUT_S + " s: " + restartCommand);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("the broker restart command exited with " + process.exitValue()
                        + " (output in " + logFile + "): " + restartCommand);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the broker restart command: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting the broker", e);
        }
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
