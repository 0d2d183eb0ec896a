package io.surety.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.plain.PlainLoginModule;

/** Request frames (without the size prefix) a SASL client sends, built with kafka-clients' classes. */
final class SaslFrames {

    private SaslFrames() {
    }

    /** A JAAS entry of PlainLoginModule with Kafka's {@code user_<name>="<password>"} options. */
    static List<AppConfigurationEntry> plainUsers(Map<String, String> users) {
        Map<String, Object> options = new java.util.HashMap<>();
        users.forEach((name, password) -> options.put("user_" + name, password));
        return List.of(new AppConfigurationEntry(PlainLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options));
    }

    static ByteBuffer frame(AbstractRequest request, int correlationId) {
        return request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), "sasl-test",
                correlationId));
    }

    static ByteBuffer apiVersions(short version, int correlationId) {
        return frame(new ApiVersionsRequest.Builder().build(version), correlationId);
    }

    static ByteBuffer handshake(short version, String mechanism, int correlationId) {
        return frame(new SaslHandshakeRequest(new SaslHandshakeRequestData().setMechanism(mechanism), version),
                correlationId);
    }

    static ByteBuffer authenticate(short version, byte[] token, int correlationId) {
        return frame(new SaslAuthenticateRequest(new SaslAuthenticateRequestData().setAuthBytes(token), version),
                correlationId);
    }

    /** PLAIN's one message: authorization id, user name and password, separated by NUL. */
    static byte[] plainToken(String user, String password) {
        return ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    static ByteBuffer metadata(int correlationId) {
        return frame(MetadataRequest.Builder.allTopics().build(ApiKeys.METADATA.latestVersion()), correlationId);
    }

    /** A SaslHandshake header at {@code version}, which kafka-clients would not build, and a mechanism. */
    static ByteBuffer handshakeAtVersion(short version, int correlationId) {
        ByteBuffer frame = ByteBuffer.allocate(64);
        frame.putShort(ApiKeys.SASL_HANDSHAKE.id).putShort(version).putInt(correlationId).putShort((short) -1);
        byte[] mechanism = "PLAIN".getBytes(StandardCharsets.UTF_8);
        frame.putShort((short) mechanism.length).put(mechanism);
        return frame.flip();
    }

    static void assertUnread(ByteBuffer frame) {
        assertThat(frame.position()).as("frame left for the connection to decode").isZero();
    }
}
