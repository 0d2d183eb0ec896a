/**
 * The cluster controller as pure logic: the replicated metadata of a Surety cluster (brokers and
 * their epochs, topics with ids and configs, partitions with replicas, ISR, leader and epochs,
 * producer-id blocks) and the rules that change it, after Apache Kafka's KRaft controller.
 *
 * <p>Three parts, each usable on its own:
 * <ul>
 *   <li>{@link io.surety.broker.cluster.ClusterRecord} with {@link io.surety.broker.cluster.ClusterRecordCodec}:
 *       the only way metadata changes, and the bytes a quorum entry carries;</li>
 *   <li>{@link io.surety.broker.cluster.ClusterStateMachine}: replays committed records into an
 *       immutable {@link io.surety.broker.cluster.ClusterImage}, and writes an image back as the
 *       records that recreate it (the snapshot form);</li>
 *   <li>{@link io.surety.broker.cluster.ControllerRules}: the decisions only the active controller
 *       takes. Each reads an image and a request and returns the records to propose plus Kafka's
 *       answer; nothing changes until those records are committed and replayed. Broker sessions
 *       ({@link io.surety.broker.cluster.BrokerSessions}) are the one piece of soft state, kept
 *       only by the active controller.</li>
 * </ul>
 *
 * <p>Threading: nothing here owns a thread, does I/O or reads a clock. Callers serialise every
 * call: the quorum's single apply thread calls the state machine, and the controller's single
 * decision thread calls the rules and the sessions, always with an image it has finished
 * replaying and a monotonic time in nanoseconds. Images and records are immutable and may be
 * handed to any thread.
 */
package io.surety.broker.cluster;
