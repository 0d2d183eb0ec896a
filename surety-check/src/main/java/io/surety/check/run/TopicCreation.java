package io.surety.check.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the check's topics; a topic that exists already counts as created (an earlier attempt
 * that timed out may have succeeded). Stateless.
 *
 * <p>Implementation notes: a cluster just started may still be electing its controller or
 * registering its brokers, so the caller may give time to retry the topics not created yet.
 */
final class TopicCreation {

    private TopicCreation() {
    }

    /**
     * Creates {@code topics}, each attempt waiting up to {@code attemptTimeout}, retrying what failed
     * for up to {@code retryFor} (zero: one attempt).
     *
     * @throws IllegalStateException naming why the last attempt failed
     */
    static void create(Admin admin, List<NewTopic> topics, Duration attemptTimeout, Duration retryFor)
            throws InterruptedException {
        long deadlineNs = System.nanoTime() + retryFor.toNanos();
        List<NewTopic> missing = new ArrayList<>(topics);
        while (true) {
            try {
                createMissing(admin, missing, attemptTimeout);
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    /** Creates the topics of {@code missing}, removing each one created (or found existing). */
    private static void createMissing(Admin admin, List<NewTopic> missing, Duration timeout)
            throws InterruptedException {
        Map<String, KafkaFuture<Void>> created = admin.createTopics(missing).values();
        IllegalStateException failure = null;
        for (Map.Entry<String, KafkaFuture<Void>> topic : created.entrySet()) {
            try {
                topic.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                missing.removeIf(t -> t.name().equals(topic.getKey()));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    missing.removeIf(t -> t.name().equals(topic.getKey()));
                } else {
                    failure = new IllegalStateException("cannot create the check's topics: "
                            + Causes.root(e), e);
                }
            } catch (TimeoutException e) {
                failure = new IllegalStateException("the cluster did not create the check's topics within "
                        + timeout.toSeconds() + " s", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
