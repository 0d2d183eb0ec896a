package io.surety.broker.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;

/**
 * Who asks, from where, in what request: what Kafka's authorizer matches ACLs against (the principal
 * and the client's host) and names in its audit lines. Immutable.
 */
record RequestContext(ApiRequest request, SecurityProtocol securityProtocol, InetAddress clientAddress)
        implements AuthorizableRequestContext {

    static RequestContext of(ApiRequest request, SecurityProtocol protocol) {
        return new RequestContext(request, protocol, host(request.clientAddress()));
    }

    @Override
    public String listenerName() {
        return request.listenerName();
    }

    @Override
    public KafkaPrincipal principal() {
        return request.principal();
    }

    @Override
    public int requestType() {
        return request.header().apiKey().id;
    }

    @Override
    public int requestVersion() {
        return request.version();
    }

    @Override
    public String clientId() {
        return request.header().clientId();
    }

    @Override
    public int correlationId() {
        return request.header().correlationId();
    }

    /**
     * The host of a peer address as the network layer writes it ({@code /127.0.0.1:50312}); an
     * address that is not an IP literal (never the case for a connected peer) matches only host
     * {@code *} ACLs, through the unspecified address.
     */
    static InetAddress host(String clientAddress) {
        int slash = clientAddress.indexOf('/');
        int colon = clientAddress.lastIndexOf(':');
        String literal = clientAddress.substring(slash + 1, colon > slash ? colon : clientAddress.length());
        try {
            // An IP literal: parsed, never looked up.
            return literal.isEmpty() || !Character.isLetterOrDigit(literal.charAt(0)) || !isIpLiteral(literal)
                    ? InetAddress.getByAddress(new byte[4]) : InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Not an address: " + clientAddress, e);
        }
    }

    private static boolean isIpLiteral(String literal) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%')) {
                return false;
            }
        }
        return true;
    }
}
