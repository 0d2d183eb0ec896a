package io.surety.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds TCP ports on the loopback address (127.0.0.1) that are free at the moment of the call.
 *
 * <p>Thread-safe and stateless. A port is free only when checked: another process may bind it
 * before the caller does. Binding to port 0 directly is always safer; use this only when a port
 * must be known before the process that binds it starts (for example a child broker's listener).
 */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * Returns one free port on 127.0.0.1.
     *
     * @throws UncheckedIOException if the operating system cannot bind an ephemeral port
     */
    public static int find() {
        return find(1).get(0);
    }

    /**
     * Returns {@code count} distinct free ports on 127.0.0.1; all are held open until every one is
     * found, so they differ from each other.
     *
     * @throws IllegalArgumentException if {@code count < 1}
     * @throws UncheckedIOException if the operating system cannot bind an ephemeral port
     */
    public static List<Integer> find(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1: " + count);
        }
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            List<Integer> ports = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports.add(socket.getLocalPort());
            }
            return List.copyOf(ports);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on the loopback address", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing an unconnected listening socket: nothing to recover
                }
            }
        }
    }
}
