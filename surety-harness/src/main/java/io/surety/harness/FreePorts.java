package io.surety.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds TCP ports on the loopback address (127.0.0.1) that are free at the moment of the call.
 *
 * <p>Ports are drawn at random from below the operating system's ephemeral range (Linux's
 * {@code ip_local_port_range}), and each is checked by binding it. A port from inside that range
 * could be handed to any outgoing connection between the check and the moment a child broker binds
 * it: a cluster's first node, connecting to peers not yet started, makes such connections by the
 * dozen. Below the range only a process that binds that very port explicitly can take it.
 *
 * <p>Thread-safe and stateless. Binding to port 0 directly is still safer; use this only when a
 * port must be known before the process that binds it starts (for example a child broker's listener).
 */
public final class FreePorts {

    /** Linux's default ephemeral range starts here; used where the range cannot be read. */
    static final int DEFAULT_EPHEMERAL_LOW = 32_768;
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS_PER_PORT = 100;

    private FreePorts() {
    }

    /**
     * Returns one free port on 127.0.0.1.
     *
     * @throws UncheckedIOException if no free port is found
     */
    public static int find() {
        return find(1).get(0);
    }

    /**
     * Returns {@code count} distinct free ports on 127.0.0.1, from below the ephemeral range; all
     * are held open until every one is found, so they differ from each other.
     *
     * @throws IllegalArgumentException if {@code count < 1}
     * @throws UncheckedIOException if not enough free ports are found
     */
    public static List<Integer> find(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1: " + count);
        }
        int high = ephemeralLow();
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            List<Integer> ports = new ArrayList<>(count);
            for (int attempt = 0; ports.size() < count && attempt < count * ATTEMPTS_PER_PORT; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, high);
                ServerSocket socket = tryBind(port);
                if (socket != null) {
                    held.add(socket);
                    ports.add(port);
                }
            }
            if (ports.size() < count) {
                throw new UncheckedIOException(new IOException("found only " + ports.size() + " of " + count
                        + " free ports between " + LOWEST + " and " + high + " on the loopback address"));
            }
            return List.copyOf(ports);
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

    private static ServerSocket tryBind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return socket;
            } catch (IOException e) {
                socket.close();
                return null;
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** The first port of the ephemeral range (Linux), or {@value #DEFAULT_EPHEMERAL_LOW}. */
    static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1_000 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }
}
