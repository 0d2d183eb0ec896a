package io.surety.check.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.check.cluster.Target;
import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryReader;
import io.surety.check.history.HistoryWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the fault injector writes to the history when a fault cannot be injected, fails, or is
 * still due when the schedule stops. The cluster is a stand-in whose restart does what the test
 * says; no fault here touches the network.
 */
class FaultInjectorTest {

    private static final String RESTART_FAILED = "the broker restart command exited with 1";
    private static final String BROKER_CRASH = new Fault.BrokerCrash().name();

    @TempDir
    Path directory;

    private HistoryWriter history;
    private FaultInjector injector;

    @AfterEach
    void stop() throws Exception {
        if (injector != null) {
            injector.stop();
        }
        if (history != null) {
            history.close();
        }
    }

    @Test
    void shouldRecordTheFailureAndSkipEveryFaultStillDueWhenABrokerRestartFails() {
        start(new StandIn(true, false, 0), at(0, new Fault.BrokerCrash()),
                at(5, new Fault.BlackHole(Duration.ofSeconds(3))), at(10, new Fault.BrokerCrash()));

        await().atMost(Duration.ofSeconds(10)).until(() -> injector.runEndingFailure().isPresent());

        assertThat(injector.runEndingFailure()).contains(BROKER_CRASH + " failed: " + RESTART_FAILED);
        assertThat(injector.failed()).containsExactly(BROKER_CRASH + ": " + RESTART_FAILED);
        String ended = "the run ended after " + BROKER_CRASH + " failed";
        assertThat(faultEvents()).containsExactly(
                EventType.FAULT_START + " " + BROKER_CRASH + " null",
                EventType.FAULT_FAILED + " " + BROKER_CRASH + " " + RESTART_FAILED,
                EventType.FAULT_END + " " + BROKER_CRASH + " null",
                EventType.FAULT_SKIPPED + " network black hole 3 s " + ended,
                EventType.FAULT_SKIPPED + " " + BROKER_CRASH + " " + ended);
    }

    @Test
    void shouldSkipABrokerCrashWithItsReasonWhenTheClusterCannotBeCrashed() {
        start(new StandIn(false, false, 0), at(0, new Fault.BrokerCrash()));

        await().atMost(Duration.ofSeconds(10)).until(() -> !faultEvents().isEmpty());

        assertThat(faultEvents()).containsExactly(EventType.FAULT_SKIPPED + " " + BROKER_CRASH
                + " no way to crash this cluster: no --broker-restart-command was given");
        assertThat(injector.runEndingFailure()).isEmpty();
        assertThat(injector.failed()).isEmpty();
    }

    @Test
    void shouldCarryOnWhenAFaultThatLeavesTheClusterUpFails() {
        // no proxy: the lost-acks fault fails, and the run goes on to the broker crash
        start(new StandIn(true, true, 0), at(0, new Fault.LostProduceResponses(3)), at(5, new Fault.BrokerCrash()));

        await().atMost(Duration.ofSeconds(10)).until(() -> faultEvents().size() == 5);

        List<String> events = faultEvents();
        assertThat(events.get(0)).isEqualTo(EventType.FAULT_START + " 3 produce responses lost null");
        assertThat(events.get(1)).startsWith(EventType.FAULT_FAILED + " 3 produce responses lost ");
        assertThat(events.subList(2, 5)).containsExactly(EventType.FAULT_END + " 3 produce responses lost null",
                EventType.FAULT_START + " " + BROKER_CRASH + " null", EventType.FAULT_END + " " + BROKER_CRASH + " null");
        assertThat(injector.runEndingFailure()).isEmpty();
        assertThat(injector.failed()).hasSize(1);
    }

    @Test
    void shouldSkipFaultsStillDueWhenTheScheduleIsStopped() throws Exception {
        start(new StandIn(true, true, 0), at(3_600_000, new Fault.BrokerCrash()));

        injector.stop();

        assertThat(faultEvents()).containsExactly(EventType.FAULT_SKIPPED + " " + BROKER_CRASH
                + " the run ended before it was due");
        assertThat(injector.runEndingFailure()).isEmpty();
    }

    @Test
    void shouldLetABrokerRestartInProgressFinishWhenTheScheduleIsStopped() throws Exception {
        start(new StandIn(true, true, 500), at(0, new Fault.BrokerCrash()), at(3_600_000, new Fault.BrokerCrash()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !faultEvents().isEmpty());

        injector.stop();

        assertThat(faultEvents()).containsExactly(
                EventType.FAULT_START + " " + BROKER_CRASH + " null",
                EventType.FAULT_END + " " + BROKER_CRASH + " null",
                EventType.FAULT_SKIPPED + " " + BROKER_CRASH + " the run ended before it was due");
        assertThat(injector.failed()).isEmpty();
    }

    private void start(Target cluster, FaultSchedule.Scheduled... faults) {
        history = HistoryWriter.append(directory.resolve("run.jsonl"));
        injector = new FaultInjector(new FaultSchedule(List.of(faults)),
                new FaultTargets(null, cluster, Map.of(), Map.of()), history);
        injector.start();
    }

    private static FaultSchedule.Scheduled at(long ms, Fault fault) {
        return new FaultSchedule.Scheduled(Duration.ofMillis(ms), fault);
    }

    /** The history as "TYPE name reason" lines. */
    private List<String> faultEvents() {
        return HistoryReader.read(directory.resolve("run.jsonl")).stream()
                .map((HistoryEvent e) -> e.type() + " " + e.detail() + " " + e.reason()).toList();
    }

    /** A cluster that can or cannot be crashed, whose restart takes {@code restartMs} and works or fails. */
    private record StandIn(boolean canCrash, boolean restarts, long restartMs) implements Target {
        @Override
        public String bootstrapServers() {
            return "127.0.0.1:1";
        }

        @Override
        public String describe() {
            return "stand-in";
        }

        @Override
        public void crashAndRestart() {
            try {
                Thread.sleep(restartMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while restarting the broker", e);
            }
            if (!restarts) {
                throw new IllegalStateException(RESTART_FAILED);
            }
        }

        @Override
        public void close() {
        }
    }
}
