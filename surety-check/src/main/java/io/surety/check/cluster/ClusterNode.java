package io.surety.check.cluster;

import io.surety.harness.FaultProxy;
import io.surety.harness.JvmProcess;
import java.time.Duration;

/**
 * One node of a {@link ClusterTarget}: its child process and the two fault proxies in front of it,
 * one for its client listener and one for its replication (inter-broker) listener. The node
 * advertises the proxies' addresses, so every client of the workload and every follower fetching
 * from this node go through them; the check's own admin and final reads use the node's direct
 * listener.
 *
 * <p>Thread-safety: the process and the proxies are thread-safe; this class adds no state of its own.
 */
public final class ClusterNode {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final int id;
    private final JvmProcess process;
    private final int directPort;
    private final FaultProxy clientProxy;
    private final FaultProxy replicationProxy;
    private final BrokerKind kind;

    ClusterNode(int id, JvmProcess process, int directPort, FaultProxy clientProxy, FaultProxy replicationProxy,
                BrokerKind kind) {
        this.id = id;
        this.kind = kind;
        this.process = process;
        this.directPort = directPort;
        this.clientProxy = clientProxy;
        this.replicationProxy = replicationProxy;
    }

    public int id() {
        return id;
    }

    /** The node's own client address, bypassing the proxies: for the check's admin and final reads. */
    public String directAddress() {
        return "127.0.0.1:" + directPort;
    }

    /** The proxy in front of the listener the workload's clients use. */
    public FaultProxy clientProxy() {
        return clientProxy;
    }

    /** The proxy in front of the listener followers fetch from this node through. */
    public FaultProxy replicationProxy() {
        return replicationProxy;
    }

    void launch() {
        process.start();
    }

    /** Waits until the current run has started (as {@link BrokerKind#awaitStarted} recognises it). */
    void awaitStarted() {
        kind.awaitStarted(process, id, directAddress(), START_TIMEOUT);
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill9() {
        process.kill9();
    }

    /** Starts the node again on its ports and data; returns once it has started. */
    public void restart() {
        process.start();
        awaitStarted();
    }

    /** SIGSTOP: the node neither answers nor heartbeats until {@link #resume()}. */
    public void pause() {
        process.pause();
    }

    /** SIGCONT. */
    public void resume() {
        process.resume();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every fault of both proxies cleared. */
    public void heal() {
        clientProxy.heal();
        replicationProxy.heal();
    }

    void close() {
        if (process.isAlive()) {
            process.kill9();
        }
        clientProxy.close();
        replicationProxy.close();
    }
}
