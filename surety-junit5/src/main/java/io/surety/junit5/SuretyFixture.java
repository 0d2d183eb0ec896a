package io.surety.junit5;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One running broker or cluster of a test class or method, with its lazily created {@link Admin}:
 * started from a {@link SuretyTest}, closed by JUnit when its extension context ends.
 *
 * <p>Thread-safety: used by the thread that runs the tests only.
 */
final class SuretyFixture implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final SuretyTest settings;
    private final SuretyBroker broker;
    private final SuretyCluster cluster;
    private Admin admin;

    private SuretyFixture(SuretyTest settings, SuretyBroker broker, SuretyCluster cluster) {
        this.settings = settings;
        this.broker = broker;
        this.cluster = cluster;
    }

    /** Starts what {@code settings} describe and creates its topics; a failure closes what started. */
    static SuretyFixture start(SuretyTest settings) throws IOException {
        if (settings.nodes() < 1) {
            throw new IllegalArgumentException("@SuretyTest(nodes = " + settings.nodes() + "): at least 1 node");
        }
        Map<String, String> config = config(settings);
        SuretyFixture fixture;
        if (settings.nodes() == 1) {
            fixture = new SuretyFixture(settings, SuretyBroker.builder().tempDataDir().configs(config).start(), null);
        } else {
            SuretyCluster.Builder builder = SuretyCluster.builder().nodes(settings.nodes());
            config.forEach(builder::config);
            fixture = new SuretyFixture(settings, null, builder.start());
        }
        try {
            fixture.awaitReady();
            fixture.createTopics();
        } catch (IOException | RuntimeException e) {
            fixture.close();
            throw e;
        }
        return fixture;
    }

    private static Map<String, String> config(SuretyTest settings) {
        Map<String, String> config = new LinkedHashMap<>();
        for (String entry : settings.config()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("@SuretyTest(config = \"" + entry + "\"): expected key=value");
            }
            config.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return config;
    }

    String bootstrapServers() {
        return broker != null ? broker.bootstrapServers() : cluster.bootstrapServers();
    }

    Optional<SuretyBroker> broker() {
        return Optional.ofNullable(broker);
    }

    Optional<SuretyCluster> cluster() {
        return Optional.ofNullable(cluster);
    }

    Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()));
        }
        return admin;
    }

    /**
     * Deletes every topic and consumer group, then creates the annotation's topics again: the next
     * test finds no record, offset or group of the one before.
     */
    void wipe() throws IOException {
        Set<String> topics = call(admin().listTopics().names());
        call(admin().deleteTopics(topics).all());
        List<String> groups = call(admin().listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream()
                .map(GroupListing::groupId).toList();
        call(admin().deleteConsumerGroups(groups).all());
        createTopics();
    }

    private void createTopics() throws IOException {
        if (settings.topics().length == 0) {
            return;
        }
        short replicationFactor = (short) (settings.replicationFactor() > 0 ? settings.replicationFactor()
                : Math.min(settings.nodes(), 3));
        List<NewTopic> topics = Arrays.stream(settings.topics())
                .map(name -> new NewTopic(name, settings.partitions(), replicationFactor)).toList();
        call(admin().createTopics(topics).all());
    }

    /** Until every node of a cluster has registered and been unfenced (a single broker is ready at start). */
    private void awaitReady() throws IOException {
        if (cluster == null) {
            return;
        }
        long deadlineNs = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!cluster.nodeIds().stream().allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false))) {
            if (System.nanoTime() > deadlineNs) {
                throw new IOException("The Surety cluster was not ready within " + READY_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for the Surety cluster", e);
            }
        }
    }

    private static <T> T call(org.apache.kafka.common.KafkaFuture<T> future) throws IOException {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("No answer from the Surety broker within " + ADMIN_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
