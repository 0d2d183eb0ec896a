package io.surety.broker.security;

import io.surety.broker.log.FramedJournal.UndecodableFrameException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.metadata.MetadataRecordSerde;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * Encodes the records of one security change as one journal frame body, each record in Kafka's own
 * metadata record format ({@link MetadataRecordSerde}: frame version, record type and version as
 * varints, then the record), so the bytes are those a KRaft metadata log holds. Stateless.
 *
 * <p>Body, big-endian: {@code count i32}, then per record {@code size i32} and the serde's bytes.
 */
final class SecurityRecordCodec {

    private SecurityRecordCodec() {
    }

    static byte[] encode(List<ApiMessageAndVersion> records) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int[] sizes = new int[records.size()];
        int total = 4;
        for (int i = 0; i < records.size(); i++) {
            sizes[i] = MetadataRecordSerde.INSTANCE.recordSize(records.get(i), cache);
            total += 4 + sizes[i];
        }
        ByteBuffer body = ByteBuffer.allocate(total);
        body.putInt(records.size());
        ByteBufferAccessor out = new ByteBufferAccessor(body);
        for (int i = 0; i < records.size(); i++) {
            body.putInt(sizes[i]);
            MetadataRecordSerde.INSTANCE.write(records.get(i), cache, out);
        }
        return body.array();
    }

    static List<ApiMessageAndVersion> decode(ByteBuffer body) throws UndecodableFrameException {
        try {
            int count = body.getInt();
            if (count < 0 || count > body.remaining() / 4) {
                throw new UndecodableFrameException("bad record count " + count);
            }
            List<ApiMessageAndVersion> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int size = body.getInt();
                if (size < 1 || size > body.remaining()) {
                    throw new UndecodableFrameException("record " + i + " of " + count + " claims " + size + " bytes");
                }
                ByteBuffer one = body.slice(body.position(), size);
                body.position(body.position() + size);
                records.add(MetadataRecordSerde.INSTANCE.read(new ByteBufferAccessor(one), size));
            }
            if (body.hasRemaining()) {
                throw new UndecodableFrameException(body.remaining() + " bytes left after the last record");
            }
            return records;
        } catch (RuntimeException e) {
            // The serde's MetadataParseException: an unknown record type or version, or a short record.
            throw new UndecodableFrameException("a record cannot be read: " + e.getMessage(), e);
        }
    }
}
