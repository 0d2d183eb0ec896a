package io.surety.broker.cluster;

import static io.surety.broker.config.TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE;

import io.surety.broker.cluster.ClusterImage.PartitionRef;
import io.surety.broker.cluster.PartitionChangeBuilder.Election;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The leader and ISR updates that follow a broker's change of state, shared by the broker
 * lifecycle and partition rules (Kafka's {@code generateLeaderAndIsrUpdates}): a broker leaving
 * (fenced, shutting down, re-registered) leaves every ISR where it is not the last member and
 * every leadership; a broker becoming eligible leads the leaderless partitions whose ISR holds it.
 * Stateless.
 */
final class Elections {

    private Elections() {
    }

    /** Whether unclean election is on for {@code topic}: its override, else the broker default. */
    static boolean uncleanEnabled(TopicImage topic, ControllerConfig config) {
        String override = topic.configs().get(UNCLEAN_LEADER_ELECTION_ENABLE);
        return override != null ? Boolean.parseBoolean(override.trim()) : config.uncleanLeaderElectionEnable();
    }

    /** Leaders acceptable now: eligible brokers in the image. */
    static IntPredicate eligible(ClusterImage image) {
        return image::eligible;
    }

    /**
     * Changes that take {@code brokerId} out of every ISR (where it is not the last member) and
     * every leadership, re-electing where it led; with UNCLEAN election on topics that allow it.
     */
    static List<ClusterRecord> removeBroker(ClusterImage image, ControllerConfig config, int brokerId) {
        IntPredicate acceptable = r -> r != brokerId && image.eligible(r);
        List<ClusterRecord> out = new ArrayList<>();
        for (PartitionRef ref : image.partitions()) {
            PartitionState state = ref.state();
            if (!state.isr().contains(brokerId) && state.leader() != brokerId) {
                continue;
            }
            List<Integer> isr = new ArrayList<>(state.isr());
            isr.remove(Integer.valueOf(brokerId));
            PartitionChangeBuilder builder = new PartitionChangeBuilder(ref.topic().id(), ref.partitionId(), state, acceptable)
                    .targetIsr(isr)
                    .election(uncleanEnabled(ref.topic(), config) ? Election.UNCLEAN : Election.ONLINE);
            builder.build().ifPresent(out::add);
        }
        return out;
    }

    /**
     * Elections for the leaderless partitions now that {@code brokerId} may lead (it is being
     * unfenced, or its directory accepted, so the image does not show it eligible yet).
     */
    static List<ClusterRecord> brokerNowEligible(ClusterImage image, ControllerConfig config, int brokerId) {
        IntPredicate acceptable = r -> r == brokerId || image.eligible(r);
        List<ClusterRecord> out = new ArrayList<>();
        for (PartitionRef ref : image.partitions()) {
            if (ref.state().hasLeader() || !ref.state().replicas().contains(brokerId)) {
                continue;
            }
            new PartitionChangeBuilder(ref.topic().id(), ref.partitionId(), ref.state(), acceptable)
                    .election(uncleanEnabled(ref.topic(), config) ? Election.UNCLEAN : Election.ONLINE)
                    .build().ifPresent(out::add);
        }
        return out;
    }
}
