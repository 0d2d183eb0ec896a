package io.surety.check.run;

import io.surety.check.checker.Guarantees;
import io.surety.check.checker.HistoryChecker;
import io.surety.check.fault.ClusterScope;
import io.surety.check.fault.FaultInjector;
import io.surety.check.fault.FaultSchedule;
import io.surety.check.fault.FaultTargets;
import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryReader;
import io.surety.check.history.HistoryWriter;
import io.surety.check.report.Progress;
import io.surety.check.report.ProgressLine;
import io.surety.check.result.CheckSummary;
import io.surety.check.cluster.ChildBrokerTarget;
import io.surety.check.cluster.ClusterRoles;
import io.surety.check.cluster.ClusterTarget;
import io.surety.check.cluster.ExternalTarget;
import io.surety.check.cluster.Target;
import io.surety.check.workload.AckTally;
import io.surety.check.workload.CatchUp;
import io.surety.check.workload.ConsumerWorker;
import io.surety.check.workload.LogDrain;
import io.surety.check.workload.ProducerFleet;
import io.surety.check.workload.WorkloadSettings;
import io.surety.harness.FaultProxy;
import io.surety.semantics.Guarantee;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One check: starts (or reaches) the cluster, puts the fault proxy in front of it, runs each
 * guarantee's producer and consumer side by side while the fault schedule plays, stops the
 * traffic, lets the consumers catch up, reads every log back, and turns the history into a
 * {@link CheckSummary}.
 *
 * <p>Whatever goes wrong — an unreachable cluster, a failed start, an interruption, a fault that
 * failed — the run still ends with a summary of what it measured, marked incomplete with the
 * reason; it never ends with an exception alone. A failed broker restart ends the run at once,
 * without reading anything back from a broker that may be down.
 */
public final class CheckRun {

    private static final Duration REACH_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CLUSTER_FORM_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FIRST_ACK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONSUMER_STOP_GRACE = Duration.ofSeconds(60);
    /** After Ctrl-C the JVM is going down: clients get a moment, not a full orderly stop. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    private final CheckOptions options;
    private final ProgressLine progress;
    /** The guarantees run: those asked for, less exactly-once on a cluster that refuses transactions. */
    private List<Guarantee> guarantees;
    /** Why exactly-once, asked for, was not run, or null. */
    private String notRun;
    private final List<Path> historyFiles = new ArrayList<>();
    private final Map<Guarantee, ProducerFleet> producers = new EnumMap<>(Guarantee.class);
    /** The acks=1 row's producer, on a cluster only. */
    private ProducerFleet acks1;
    private final Map<Guarantee, ConsumerWorker> consumers = new EnumMap<>(Guarantee.class);
    private final Map<Guarantee, Boolean> resetsToLatest = new EnumMap<>(Guarantee.class);
    private final AckTally acks = new AckTally();
    private final List<String> notes = new ArrayList<>();
    private volatile boolean interrupted;
    private volatile boolean aborted;
    /** Why the broker may be down after a failed fault, or null. */
    private volatile String brokerLost;
    private volatile String phase = "starting";
    private long startNs;
    private Target target;
    private FaultProxy proxy;
    /** The proxies the workload's clients go through: one, or one per node of a cluster. */
    private List<FaultProxy> proxies = List.of();
    private ClusterRoles roles;
    private Admin admin;
    private HistoryWriter history;
    private FaultInjector injector;
    private WorkloadSettings settings;

    public CheckRun(CheckOptions options, ProgressLine progress) {
        this.options = options;
        this.progress = progress;
        this.guarantees = options.guarantees();
    }

    /**
     * Asks a running check to end its traffic now; it still stops the clients in order, reads the
     * logs back and reports, marked incomplete.
     */
    public void interrupt() {
        interrupted = true;
    }

    /**
     * Asks a running check to stop at once, without reading anything back (what Ctrl-C does: the
     * child processes are going down with the JVM); it reports what the clients recorded so far.
     */
    public void abort() {
        aborted = true;
        interrupted = true;
    }

    /** Notes for the user beyond the counts: consumers that did not catch up, settings that weaken a guarantee. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public CheckSummary run() {
        String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        startNs = System.nanoTime();
        boolean complete = false;
        String stoppedBecause = null;
        String description = options.startsACluster()
                ? options.brokers() + "-node " + options.brokerKind().label() + " cluster started by the check"
                : options.startsItsOwnBroker() ? "Surety broker started by the check" : options.bootstrapServers();
        try {
            Files.createDirectories(options.workDirectory().resolve("history"));
            Path runHistory = options.workDirectory().resolve("history").resolve("run.jsonl");
            historyFiles.add(runHistory);
            history = HistoryWriter.append(runHistory);
            history.write(HistoryEvent.note(EventType.RUN_START, null, "check", "guarantees " + labels()
                    + ", traffic " + options.traffic().toSeconds() + " s at " + options.rate() + " records/s each"));
            startTarget();
            description = target.describe();
            startTraffic();
            runTraffic();
            boolean stoppedEarly = interrupted;
            boolean finished = finish();
            complete = finished && !stoppedEarly;
            stoppedBecause = !finished ? abortedDuring() : stoppedEarly ? "interrupted before the end of the traffic" : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stoppedBecause = "interrupted during " + phase;
        } catch (RuntimeException | IOException e) {
            stoppedBecause = aborted ? abortedDuring() : "stopped during " + phase + ": " + e.getMessage();
        } finally {
            stopFaults();
            if (complete && injector != null && !injector.failed().isEmpty()) {
                complete = false;
                stoppedBecause = (injector.failed().size() == 1 ? "a fault failed" : injector.failed().size()
                        + " faults failed") + ", so the run did not get the faults it asked for: "
                        + String.join("; ", injector.failed());
            }
            if (history != null) {
                history.write(HistoryEvent.note(EventType.RUN_END, null, "check", complete ? "complete" : stoppedBecause));
            }
            closeAll();
        }
        if (complete && interrupted) {
            complete = false;
            stoppedBecause = "interrupted while finishing";
        }
        if (settings != null) {
            notes.addAll(settings.findings());
        }
        phase = "checking";
        return HistoryChecker.summarize(HistoryReader.readAll(allHistoryFiles()), description, startedAt, complete,
                stoppedBecause, notRun == null ? Map.of() : Map.of(Guarantee.EXACTLY_ONCE.label(), notRun));
    }

    private void startTarget() throws InterruptedException {
        phase = options.startsACluster() ? "starting a " + options.brokers() + "-node " + options.brokerKind().label()
                + " cluster"
                : options.startsItsOwnBroker() ? "starting a Surety broker" : "reaching the cluster";
        showProgress();
        if (options.startsACluster()) {
            ClusterTarget cluster = ClusterTarget.start(options.workDirectory(), options.brokers(), options.partitions(),
                    options.brokerKind());
            target = cluster;
            notes.add("the " + options.brokers() + "-node cluster was formatted and started in "
                    + String.format(Locale.ROOT, "%.1f", cluster.startMs() / 1000.0) + " s");
        } else {
            target = options.startsItsOwnBroker()
                    ? ChildBrokerTarget.start(options.workDirectory(), options.partitions())
                    : new ExternalTarget(options.bootstrapServers(), options.restartCommand(),
                            options.workDirectory().resolve("restart-command.log"));
        }
        admin = Admin.create(Map.of("bootstrap.servers", target.bootstrapServers(),
                "client.id", "surety-check-admin", "request.timeout.ms", "10000",
                "default.api.timeout.ms", String.valueOf(REACH_TIMEOUT.toMillis())));
        try {
            admin.describeCluster().nodes().get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach the cluster at " + target.bootstrapServers() + " within "
                    + REACH_TIMEOUT.toSeconds() + " s (" + Causes.root(e) + ")", e);
        }
        if (target instanceof ClusterTarget cluster) {
            proxies = cluster.clientProxies();
            roles = new ClusterRoles(cluster.bootstrapServers());
            return;
        }
        String[] first = target.bootstrapServers().split(",")[0].trim().split(":");
        proxy = FaultProxy.builder(first[0], Integer.parseInt(first[1])).name("check").rewriteBrokerAddresses(true).start();
        proxies = List.of(proxy);
    }

    /** What the workload's clients bootstrap from: the proxies. */
    private String workloadBootstrapServers() {
        return target instanceof ClusterTarget cluster ? cluster.proxiedBootstrapServers() : proxy.address();
    }

    private void startTraffic() throws InterruptedException {
        phase = "creating topics";
        showProgress();
        String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        settings = new WorkloadSettings(options.producerSettings(), options.consumerSettings(), workloadBootstrapServers(),
                runId);
        if (target instanceof ClusterTarget && guarantees.contains(Guarantee.EXACTLY_ONCE)) {
            leaveOutExactlyOnceWithoutTransactions();
        }
        List<NewTopic> topics = new ArrayList<>();
        for (Guarantee guarantee : guarantees) {
            topics.add(newTopic(settings.topic(guarantee)));
        }
        if (guarantees.contains(Guarantee.EXACTLY_ONCE)) {
            topics.add(newTopic(settings.outputTopic()));
        }
        if (target instanceof ClusterTarget) {
            topics.add(newTopic(settings.acks1Topic()));
        }
        TopicCreation.create(admin, topics, REACH_TIMEOUT,
                target instanceof ClusterTarget ? CLUSTER_FORM_TIMEOUT : Duration.ZERO);

        phase = "starting consumers";
        showProgress();
        for (Guarantee guarantee : guarantees) {
            boolean exactlyOnce = guarantee == Guarantee.EXACTLY_ONCE;
            Properties consumerSettings = settings.consumer(guarantee);
            resetsToLatest.put(guarantee, "latest".equals(consumerSettings.getProperty("auto.offset.reset")));
            ConsumerWorker worker = new ConsumerWorker(guarantee, settings.topic(guarantee),
                    exactlyOnce ? settings.outputTopic() : null, consumerSettings,
                    exactlyOnce ? settings.copierProducer() : null, history);
            consumers.put(guarantee, worker);
            worker.start();
        }
        for (Map.Entry<Guarantee, ConsumerWorker> worker : consumers.entrySet()) {
            if (!worker.getValue().awaitFirstAssignment(ASSIGNMENT_TIMEOUT.toMillis())) {
                throw new IllegalStateException("the " + worker.getKey().label() + " consumer got no partitions within "
                        + ASSIGNMENT_TIMEOUT.toSeconds() + " s");
            }
        }

        phase = "starting producers";
        showProgress();
        for (Guarantee guarantee : guarantees) {
            Properties producerSettings = settings.producer(guarantee);
            ProducerFleet fleet = new ProducerFleet(guarantee, settings.topic(guarantee), producerSettings,
                    options.workDirectory(), options.rate(), options.recordSize());
            producers.put(guarantee, fleet);
            fleet.start();
        }
        if (target instanceof ClusterTarget) {
            acks1 = new ProducerFleet(Guarantees.ACKS_1, false, settings.acks1Topic(), settings.acks1Producer(),
                    options.workDirectory(), options.rate(), options.recordSize());
            acks1.start();
        }
        awaitFirstAcknowledgements();
        FaultSchedule schedule;
        FaultTargets faultTargets;
        if (target instanceof ClusterTarget cluster) {
            schedule = FaultSchedule.cluster(options.traffic(), guarantees, options.faults());
            if (FaultSchedule.repeatsCluster(options.traffic(), guarantees, options.faults())) {
                notes.add("the cluster faults repeat in cycles of "
                        + FaultSchedule.clusterCycle(guarantees, options.faults()).toSeconds() + " s: "
                        + schedule.faults().size() + " faults planned in " + options.traffic().toSeconds()
                        + " s of traffic");
            }
            Guarantee watched = guarantees.contains(Guarantee.AT_LEAST_ONCE) ? Guarantee.AT_LEAST_ONCE : guarantees.get(0);
            faultTargets = new FaultTargets(proxies, target, producers, consumers, Optional.of(new ClusterScope(cluster,
                    roles, settings.topic(watched), settings.group(watched), settings.acks1Topic())));
        } else {
            schedule = FaultSchedule.standard(options.traffic(), guarantees, options.faults());
            faultTargets = new FaultTargets(proxy, target, producers, consumers);
        }
        injector = new FaultInjector(schedule, faultTargets, history);
    }

    /**
     * The traffic, and with it the fault schedule, counts from the moment every producer has had a
     * record acknowledged: starting a producer process takes seconds, and a fault injected before
     * any record flows tests nothing.
     */
    private void awaitFirstAcknowledgements() throws InterruptedException {
        phase = "waiting for the first acknowledgements";
        long deadline = System.nanoTime() + FIRST_ACK_TIMEOUT.toNanos();
        for (Map.Entry<String, ProducerFleet> fleet : fleets().entrySet()) {
            while (acks.count(fleet.getValue().historyFiles()) == 0) {
                if (interrupted) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the " + fleet.getKey() + " producer had no record "
                            + "acknowledged within " + FIRST_ACK_TIMEOUT.toSeconds() + " s of starting (its log: "
                            + options.workDirectory().resolve("logs") + ")");
                }
                showProgress();
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private void runTraffic() throws InterruptedException {
        phase = "running";
        long trafficStart = System.nanoTime();
        if (target instanceof ClusterTarget) {
            notes.add(String.format(Locale.ROOT, "the traffic began %.1f s after the start (cluster, topics, clients)",
                    (trafficStart - startNs) / 1e9));
        }
        injector.start();
        long end = trafficStart + options.traffic().toNanos();
        while (!interrupted && System.nanoTime() - end < 0) {
            if (brokerLost()) {
                return;
            }
            showProgress();
            TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    /**
     * Whether a fault failed in a way that leaves nothing to measure against (a broker restart that
     * failed: the broker may be down). If so the run is cut short like an abort: nothing is read
     * back from a broker that may not answer, so only what the clients recorded is counted.
     */
    private boolean brokerLost() {
        Optional<String> failure = injector == null ? Optional.empty() : injector.runEndingFailure();
        if (failure.isPresent() && brokerLost == null) {
            brokerLost = failure.get();
            aborted = true;
            interrupted = true;
        }
        return brokerLost != null;
    }

    private String abortedDuring() {
        if (brokerLost != null) {
            return "the run stopped because " + brokerLost + "; the broker may be down, so the logs were not read "
                    + "back: only what the clients recorded is counted, and records in flight are not judged lost";
        }
        return "interrupted during " + phase + ", before the logs were read back: only what the clients recorded "
                + "is counted, so records in flight may show as lost";
    }

    /** Ends the traffic and reads everything back; false if aborted on the way. */
    private boolean finish() throws InterruptedException {
        if (aborted) {
            return false;
        }
        phase = "healing faults";
        showProgress();
        injector.stop();
        proxies.forEach(FaultProxy::heal);
        if (target instanceof ClusterTarget cluster) {
            cluster.healAll();
        }
        if (brokerLost()) {
            return false;
        }

        phase = "stopping producers";
        showProgress();
        List<Thread> stopping = new ArrayList<>();
        for (ProducerFleet fleet : fleets().values()) {
            Thread thread = new Thread(fleet::stop, "stop-producer");
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            thread.join();
        }

        if (aborted) {
            return false;
        }
        phase = "reading the logs back";
        showProgress();
        Map<Guarantee, Map<Integer, Long>> ends = new EnumMap<>(Guarantee.class);
        for (Guarantee guarantee : guarantees) {
            ends.put(guarantee, LogDrain.read(target.bootstrapServers(), settings.topic(guarantee),
                    guarantee == Guarantee.EXACTLY_ONCE, EventType.LOG_READ, guarantee.label(), history, DRAIN_TIMEOUT,
                    () -> aborted));
        }

        if (acks1 != null) {
            LogDrain.read(target.bootstrapServers(), settings.acks1Topic(), false, EventType.LOG_READ, Guarantees.ACKS_1,
                    history, DRAIN_TIMEOUT, () -> aborted);
        }

        phase = "letting the consumers catch up";
        for (Guarantee guarantee : guarantees) {
            showProgress();
            if (aborted) {
                return false;
            }
            if (!interrupted && !CatchUp.await(admin, settings.group(guarantee), settings.topic(guarantee),
                    ends.get(guarantee), resetsToLatest.get(guarantee), CATCH_UP_TIMEOUT, () -> aborted)) {
                notes.add("the " + guarantee.label() + " consumers had not committed past the end of the log "
                        + CATCH_UP_TIMEOUT.toSeconds() + " s after the producers stopped");
            }
        }

        phase = "stopping consumers";
        showProgress();
        for (ConsumerWorker worker : consumers.values()) {
            worker.stop(CONSUMER_STOP_GRACE);
        }
        if (guarantees.contains(Guarantee.EXACTLY_ONCE) && !aborted) {
            phase = "reading the exactly-once output";
            showProgress();
            LogDrain.read(target.bootstrapServers(), settings.outputTopic(), true, EventType.OUTPUT_READ,
                    Guarantee.EXACTLY_ONCE.label(), history, DRAIN_TIMEOUT, () -> aborted);
        }
        progress.finish();
        return !aborted;
    }

    private void showProgress() {
        Map<String, Progress.Counts> counts = new LinkedHashMap<>();
        for (Guarantee guarantee : guarantees) {
            ProducerFleet fleet = producers.get(guarantee);
            ConsumerWorker worker = consumers.get(guarantee);
            counts.put(guarantee.label(), new Progress.Counts(fleet == null ? 0 : acks.count(fleet.historyFiles()),
                    worker == null ? 0 : worker.processed()));
        }
        if (acks1 != null) {
            counts.put(Guarantees.ACKS_1, new Progress.Counts(acks.count(acks1.historyFiles()), 0));
        }
        String active = injector == null ? null : injector.active();
        progress.update(new Progress((System.nanoTime() - startNs) / 1_000_000, options.traffic().toMillis(), phase,
                counts, active == null ? List.of() : List.of(active)));
    }

    /** Every producer fleet by the row its records count in: each guarantee's, then the acks=1 row's. */
    private Map<String, ProducerFleet> fleets() {
        Map<String, ProducerFleet> fleets = new LinkedHashMap<>();
        producers.forEach((guarantee, fleet) -> fleets.put(guarantee.label(), fleet));
        if (acks1 != null) {
            fleets.put(Guarantees.ACKS_1, acks1);
        }
        return fleets;
    }

    private NewTopic newTopic(String name) {
        return new NewTopic(name, Optional.of(options.partitions()), target.replicationFactor())
                .configs(target.topicConfigs());
    }

    /**
     * Transactions in cluster mode may not be served by the cluster (a Surety build before they were
     * finished): exactly-once is then left out and the run says why — never a silent 0.
     */
    private void leaveOutExactlyOnceWithoutTransactions() {
        Optional<String> refused = TransactionProbe.refusal(target.bootstrapServers(),
                settings.topic(Guarantee.EXACTLY_ONCE) + "-probe");
        if (refused.isPresent()) {
            notRun = refused.get();
            List<Guarantee> left = new ArrayList<>(guarantees);
            left.remove(Guarantee.EXACTLY_ONCE);
            guarantees = List.copyOf(left);
        }
    }

    private List<Path> allHistoryFiles() {
        List<Path> files = new ArrayList<>(historyFiles);
        fleets().values().forEach(fleet -> files.addAll(fleet.historyFiles()));
        return files.stream().filter(Files::exists).toList();
    }

    /** Stops the fault schedule, so that every fault is in the history before RUN_END. */
    private void stopFaults() {
        if (injector == null) {
            return;
        }
        try {
            injector.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAll() {
        for (ConsumerWorker worker : consumers.values()) {
            try {
                worker.stop(aborted ? ABORT_GRACE : CONSUMER_STOP_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fleets().values().forEach(ProducerFleet::close);
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (proxy != null) {
            proxy.close();
        }
        if (roles != null) {
            roles.close();
        }
        if (target != null) {
            target.close();
        }
        if (history != null) {
            history.close();
        }
    }

    private String labels() {
        return String.join(", ", guarantees.stream().map(Guarantee::label).toList());
    }
}
