package io.surety.check.fault;

import io.surety.harness.FaultProxy;
import io.surety.semantics.CrashPoint;
import io.surety.semantics.Guarantee;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * One fault of a schedule. {@link #inject} returns once the fault is over: at once for an
 * instantaneous one, after its duration for one that lasts (the proxy heals), after the restart
 * for a crash.
 */
public sealed interface Fault permits Fault.BrokerCrash, Fault.ConnectionReset, Fault.LostProduceResponses,
        Fault.BlackHole, Fault.Delay, Fault.ProducerCrash, Fault.ConsumerCrash, ClusterFault {

    /** How the fault appears in the history, the table and the charts. */
    String name();

    /**
     * Why this fault cannot act on the given targets (a broker crash needs a way to crash the
     * broker), or empty if it can.
     */
    default Optional<String> inapplicable(FaultTargets targets) {
        return Optional.empty();
    }

    /**
     * This fault with its victim chosen now, from what the cluster says at the moment it strikes (a
     * partition's leader, the controller); its {@link #name()} then says which node it hit and who
     * led what. Most faults have no choice to make and return themselves.
     *
     * @throws RuntimeException when the cluster cannot say who leads
     */
    default Fault aimed(FaultTargets targets) {
        return this;
    }

    /**
     * Injects the fault.
     *
     * @throws RuntimeException when it could not be injected, or not undone (a broker not brought back)
     */
    void inject(FaultTargets targets) throws InterruptedException;

    /**
     * Whether a failure of this fault leaves the cluster in a state nothing after it can be measured
     * against (a broker killed and not brought back), so the run must end.
     */
    default boolean endsRunOnFailure() {
        return false;
    }

    /**
     * Whether stopping the schedule may cut this fault short. A broker restart may not: cut short,
     * it would leave the broker down for the reads that follow.
     */
    default boolean interruptible() {
        return true;
    }

    /** The proxies a network fault acts on; there must be one. */
    private static List<FaultProxy> proxies(FaultTargets targets) {
        if (targets.proxies().isEmpty()) {
            throw new IllegalStateException("no proxy between the clients and the cluster to inject a network fault in");
        }
        return targets.proxies();
    }

    /** Lets a proxy fault just injected last for {@code length}, then heals the proxy (also if interrupted). */
    private static void lastFor(Duration length, FaultTargets targets) throws InterruptedException {
        try {
            Thread.sleep(length.toMillis());
        } finally {
            proxies(targets).forEach(FaultProxy::heal);
        }
    }

    /** The broker is killed with {@code kill -9} (or the user's restart command runs) and comes back. */
    record BrokerCrash() implements Fault {
        @Override
        public String name() {
            return "broker kill -9 and restart";
        }

        @Override
        public Optional<String> inapplicable(FaultTargets targets) {
            return targets.cluster().canCrash() ? Optional.empty()
                    : Optional.of("no way to crash this cluster: no --broker-restart-command was given");
        }

        @Override
        public void inject(FaultTargets targets) {
            targets.cluster().crashAndRestart();
        }

        /** A restart that failed may have left the broker down: nothing after it can be measured. */
        @Override
        public boolean endsRunOnFailure() {
            return true;
        }

        @Override
        public boolean interruptible() {
            return false;
        }
    }

    /** Every connection through the proxy is reset (RST) at once; clients reconnect. */
    record ConnectionReset() implements Fault {
        @Override
        public String name() {
            return "connection reset";
        }

        @Override
        public void inject(FaultTargets targets) {
            proxies(targets).forEach(FaultProxy::resetAll);
        }
    }

    /** The next {@code count} produce responses are swallowed: the writes happen, the acks never arrive. */
    record LostProduceResponses(int count) implements Fault {
        @Override
        public String name() {
            return count + " produce responses lost";
        }

        @Override
        public void inject(FaultTargets targets) {
            proxies(targets).forEach(proxy -> proxy.dropResponses(ApiKeys.PRODUCE.id, count));
        }
    }

    /** Nothing crosses the proxy for {@code length}; connections stay open, as in a network partition. */
    record BlackHole(Duration length) implements Fault {
        @Override
        public String name() {
            return "network black hole " + length.toSeconds() + " s";
        }

        @Override
        public void inject(FaultTargets targets) throws InterruptedException {
            proxies(targets).forEach(FaultProxy::blackHole);
            lastFor(length, targets);
        }
    }

    /** Every chunk crossing the proxy waits {@code delay}, for {@code length}. */
    record Delay(Duration delay, Duration length) implements Fault {
        @Override
        public String name() {
            return "network delay " + delay.toMillis() + " ms for " + length.toSeconds() + " s";
        }

        @Override
        public void inject(FaultTargets targets) throws InterruptedException {
            proxies(targets).forEach(proxy -> proxy.delay(delay));
            lastFor(length, targets);
        }
    }

    /** The producer process of {@code guarantee} is killed with {@code kill -9}; a new one starts. */
    record ProducerCrash(Guarantee guarantee) implements Fault {
        @Override
        public String name() {
            return guarantee.label() + " producer kill -9";
        }

        @Override
        public void inject(FaultTargets targets) {
            targets.producers().get(guarantee).crashAndRestart();
        }
    }

    /**
     * The consumer of {@code guarantee} will crash the next time its loop reaches {@code point}; a
     * new instance takes over. The crash itself is written to the history when it happens.
     */
    record ConsumerCrash(Guarantee guarantee, CrashPoint point) implements Fault {
        @Override
        public String name() {
            return guarantee.label() + " consumer crash " + point.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @Override
        public void inject(FaultTargets targets) {
            targets.consumers().get(guarantee).crashAt(point);
        }
    }
}
