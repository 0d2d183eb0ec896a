package io.surety.broker.node;

import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;

/**
 * The bytes of a request to the active controller and of its answer, as they travel through the
 * quorum ({@code RatisQuorum.request}): Kafka's own message classes, so no schema is written here.
 *
 * <pre>
 * request: apiKey:int16 | version:int16 | the request message at that version
 * answer:  the response message of the same api at the same version
 * </pre>
 *
 * Both ends are the same Surety build, so every message travels at its newest version.
 */
final class ControllerMessages {

    private ControllerMessages() {
    }

    /** A request decoded on the controller. */
    record Request(ApiKeys api, short version, ApiMessage data) {
    }

    static byte[] request(ApiKeys api, ApiMessage data) {
        short version = api.latestVersion();
        ByteBuffer body = MessageUtil.toByteBufferAccessor(data, version).buffer();
        return ByteBuffer.allocate(4 + body.remaining()).putShort(api.id).putShort(version).put(body).array();
    }

    static Request readRequest(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        ApiKeys api = ApiKeys.forId(buffer.getShort());
        short version = buffer.getShort();
        ApiMessage data = api.messageType.newRequest();
        data.read(new ByteBufferAccessor(buffer), version);
        return new Request(api, version, data);
    }

    static byte[] answer(ApiMessage data, short version) {
        ByteBuffer body = MessageUtil.toByteBufferAccessor(data, version).buffer();
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return bytes;
    }

    @SuppressWarnings("unchecked")
    static <T extends ApiMessage> T readAnswer(ApiKeys api, byte[] bytes) {
        ApiMessage data = api.messageType.newResponse();
        data.read(new ByteBufferAccessor(ByteBuffer.wrap(bytes)), api.latestVersion());
        return (T) data;
    }
}
