package io.surety.broker.api;

/** How group requests name their sender: Kafka reports the client host without the port. */
final class GroupClients {

    private GroupClients() {
    }

    static String host(ApiRequest request) {
        String address = request.clientAddress();
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }

    static String clientId(ApiRequest request) {
        String id = request.header().clientId();
        return id == null ? "" : id;
    }
}
