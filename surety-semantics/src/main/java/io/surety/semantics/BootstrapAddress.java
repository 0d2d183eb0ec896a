package io.surety.semantics;

import java.util.Optional;

/**
 * Checks the form of one {@code bootstrap.servers} entry, without resolving it.
 *
 * <p>Implementation notes: the client accepts {@code host:port} and {@code [ipv6]:port}; it
 * resolves names only when it starts, so an unresolvable name is not reported here (the check
 * may run on another machine than the application).
 */
final class BootstrapAddress {

    private BootstrapAddress() {
    }

    /** What is wrong with {@code address}, or empty if it has the form {@code host:port}. */
    static Optional<String> problem(String address) {
        if (address.isEmpty()) {
            return Optional.of("the address is empty");
        }
        if (address.contains("://")) {
            return Optional.of("it has a scheme; bootstrap.servers takes host:port only");
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return Optional.of("it has no port");
        }
        String host = address.substring(0, colon);
        String port = address.substring(colon + 1);
        if (host.isEmpty() || host.equals("[]")) {
            return Optional.of("it has no host");
        }
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
            return Optional.of("an IPv6 host must be written in brackets, e.g. [::1]:9092");
        }
        if (!port.matches("[0-9]{1,5}")) {
            return Optional.of("the port '" + port + "' is not a number");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            return Optional.of("the port " + number + " is out of range");
        }
        return Optional.empty();
    }
}
