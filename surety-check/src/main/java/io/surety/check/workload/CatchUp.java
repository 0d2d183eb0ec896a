package io.surety.check.workload;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits, after the producers stopped, until a group has committed past every record the log
 * holds, so that the consumers are stopped only once they have had the chance to deliver
 * everything. A group that never gets there is not waited for beyond the timeout: what it did
 * not deliver is then counted, which is the honest outcome.
 */
public final class CatchUp {

    private static final long CHECK_EVERY_MS = 250;

    private CatchUp() {
    }

    /**
     * @param resetsToLatest whether the group's consumers start a partition without a committed
     *                       offset at its end ({@code auto.offset.reset=latest}): such a partition
     *                       gets no commit until new records arrive, which after the producers
     *                       stopped is never, so it is not waited for
     * @param cancelled      asked between checks: true gives up at once
     * @return true if the group caught up within {@code timeout}
     */
    public static boolean await(Admin admin, String group, String topic, Map<Integer, Long> targets,
                                boolean resetsToLatest, Duration timeout, BooleanSupplier cancelled)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0 && !cancelled.getAsBoolean()) {
            if (caughtUp(admin, group, topic, targets, resetsToLatest)) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(CHECK_EVERY_MS);
        }
        return false;
    }

    private static boolean caughtUp(Admin admin, String group, String topic, Map<Integer, Long> targets,
                                    boolean resetsToLatest) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            for (Map.Entry<Integer, Long> target : targets.entrySet()) {
                if (target.getValue() == 0) {
                    continue;
                }
                OffsetAndMetadata offset = committed.get(new TopicPartition(topic, target.getKey()));
                if (offset == null ? !resetsToLatest : offset.offset() < target.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false; // the coordinator may be busy or restarting: ask again
        }
    }
}
