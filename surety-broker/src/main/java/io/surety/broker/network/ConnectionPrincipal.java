package io.surety.broker.network;

import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Who one connection is: its listener's principal builder applied to what the connection knows
 * (its address, its TLS session, its SASL exchange). Asked once for a connection without SASL, at
 * its first request, and once per completed SASL exchange.
 */
interface ConnectionPrincipal {

    /** Every connection is {@code User:ANONYMOUS}; a SASL one {@code User:<authorization id>}. */
    ConnectionPrincipal ANONYMOUS = new ConnectionPrincipal() {
        @Override
        public KafkaPrincipal ofConnection() {
            return KafkaPrincipal.ANONYMOUS;
        }

        @Override
        public KafkaPrincipal ofSasl(SaslServer server) {
            return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.getAuthorizationID());
        }
    };

    /** The principal of a connection without SASL: from its TLS certificate, or anonymous. */
    KafkaPrincipal ofConnection();

    /** The principal a completed SASL exchange through {@code server} authenticated. */
    KafkaPrincipal ofSasl(SaslServer server);
}
