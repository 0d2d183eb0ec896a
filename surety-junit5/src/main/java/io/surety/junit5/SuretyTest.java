package io.surety.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against an in-process Surety broker on 127.0.0.1, or a cluster of
 * them, with no builder code in the test:
 *
 * <pre>{@code
 * @SuretyTest(topics = {"orders", "payments"}, partitions = 3)
 * class OrdersTest {
 *     @BootstrapServers String bootstrapServers;
 *     Admin admin;
 *
 *     @Test
 *     void shouldDoSomething(SuretyBroker broker) { ... }
 * }
 * }</pre>
 *
 * <p>What a test can have, as a field (non-static, non-final: set before each test) or as a
 * parameter of a test, lifecycle method or constructor: {@code @BootstrapServers String}, an
 * {@link org.apache.kafka.clients.admin.Admin} (created once per broker, closed with it), the
 * {@link io.surety.broker.SuretyBroker} ({@code nodes = 1}) or the
 * {@link io.surety.broker.SuretyCluster} ({@code nodes > 1}, to stop, halt and restart nodes
 * inside a test).
 *
 * <p>Each broker has a temporary data directory, deleted when it closes; its settings are those of
 * {@code SuretyBroker.builder()} (metrics listener off, no initial rebalance delay) plus
 * {@link #config()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SuretyExtension.class)
public @interface SuretyTest {

    /** How many nodes: 1 (the default) is one broker; more is a cluster, each node broker and controller. */
    int nodes() default 1;

    /** Topics created before the first test that uses the broker, and again after each wipe. */
    String[] topics() default {};

    /** Partitions of each topic in {@link #topics()}. */
    int partitions() default 1;

    /** Replication factor of the topics in {@link #topics()}; 0 (the default) is the smaller of nodes and 3. */
    int replicationFactor() default 0;

    /** One broker for the whole class (the default), or a fresh one for every test method. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /**
     * With {@link Lifecycle#PER_CLASS}: after each test, delete every topic and consumer group and
     * create {@link #topics()} again, so no test sees the records or offsets of another. Faster than
     * a broker per method.
     */
    boolean wipeAfterEach() default false;

    /** Broker settings as {@code key=value}, with Kafka's key names; given to every node. */
    String[] config() default {};

    /** How long a broker lives. */
    enum Lifecycle {
        /** Started before the class's first test, closed after its last. */
        PER_CLASS,
        /** Started before each test method, closed after it. */
        PER_METHOD
    }
}
