package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.AcceptBrokerDirectory;
import io.surety.broker.cluster.ClusterRecord.BrokerControlledShutdown;
import io.surety.broker.cluster.ClusterRecord.ClusterId;
import io.surety.broker.cluster.ClusterRecord.Endpoint;
import io.surety.broker.cluster.ClusterRecord.FenceBroker;
import io.surety.broker.cluster.ClusterRecord.Partition;
import io.surety.broker.cluster.ClusterRecord.PartitionChange;
import io.surety.broker.cluster.ClusterRecord.ProducerIds;
import io.surety.broker.cluster.ClusterRecord.RegisterBroker;
import io.surety.broker.cluster.ClusterRecord.RemoveTopic;
import io.surety.broker.cluster.ClusterRecord.Security;
import io.surety.broker.cluster.ClusterRecord.Topic;
import io.surety.broker.cluster.ClusterRecord.TopicConfig;
import io.surety.broker.cluster.ClusterRecord.UnfenceBroker;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.metadata.MetadataRecordSerde;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * Encodes and decodes the records of one metadata entry: the records one controller decision
 * proposed, which the quorum commits as one opaque entry, so a decision applies whole or not at
 * all. Stateless.
 *
 * <p>Entry, all integers big-endian:
 * <pre>
 *  size  field
 *   1    version        1, or 2 when a record carries a reassignment (see below)
 *   4    recordCount
 *   -    records        each: type (1 byte) then the type's fields, in the order below
 * </pre>
 * Field encodings: {@code bool} = one byte, 0 or 1; {@code str} = int32 byte length (-1 for an
 * absent optional) + UTF-8; {@code uuid} = two int64; {@code ints} = int32 count + that many
 * int32.
 * <pre>
 *  type  record                    fields
 *   1    ClusterId                 clusterId str
 *   2    RegisterBroker            brokerId i32, incarnationId uuid, brokerEpoch i64 (-1: assigned at
 *                                  replay), directoryId uuid, endpoint count i32, per endpoint: name
 *                                  str, host str, port i32, securityProtocol i16; rack str (-1 none),
 *                                  fenced bool, inControlledShutdown bool, directoryPendingReplace bool
 *   3    FenceBroker               brokerId i32, brokerEpoch i64
 *   4    UnfenceBroker             brokerId i32, brokerEpoch i64
 *   5    BrokerControlledShutdown  brokerId i32, brokerEpoch i64
 *   6    AcceptBrokerDirectory     brokerId i32, brokerEpoch i64, directoryId uuid
 *   7    Topic                     name str, topicId uuid
 *   8    Partition                 topicId uuid, partitionId i32, replicas ints, isr ints, leader i32,
 *                                  leaderRecoveryState i8, leaderEpoch i32, partitionEpoch i32
 *   9    PartitionChange           topicId uuid, partitionId i32, present i8 (bit 0 isr, bit 1
 *                                  leader, bit 2 replicas, bit 3 leaderRecoveryState; other bits
 *                                  must be 0), then only the present fields in that order: isr
 *                                  ints, leader i32, replicas ints, leaderRecoveryState i8
 *  10    TopicConfig               topicId uuid, key str, value str (-1: the override is removed)
 *  11    RemoveTopic               topicId uuid
 *  12    ProducerIds               brokerId i32, brokerEpoch i64, nextProducerId i64
 * </pre>
 * {@code leaderRecoveryState} is {@link LeaderRecoveryState#code()}: 0 RECOVERED, 1 RECOVERING.
 *
 * <p>Version 2 adds a partition reassignment in progress (Kafka's {@code AddingReplicas} and
 * {@code RemovingReplicas}), and is otherwise version 1:
 * <pre>
 *  type  record                    change from version 1
 *   8    Partition                 two more fields at the end: addingReplicas ints, removingReplicas ints
 *   9    PartitionChange           present bit 4 removingReplicas, bit 5 addingReplicas; those fields
 *                                  follow the version 1 ones in that order: removingReplicas ints,
 *                                  addingReplicas ints
 * </pre>
 * Version 3 adds one record type, and is otherwise version 2:
 * <pre>
 *  type  record                    fields
 *  13    Security                  bytes i32 length + that many bytes: Kafka's own metadata record
 *                                  (MetadataRecordSerde: frame version, record type and version as
 *                                  varints, then the record), one of UserScramCredentialRecord,
 *                                  RemoveUserScramCredentialRecord, AccessControlEntryRecord,
 *                                  RemoveAccessControlEntryRecord
 * </pre>
 * An entry is written at version 3 when it holds a security record, else at version 2 when one of
 * its records carries reassignment state, else at version 1, so everything an older build could
 * write keeps its exact bytes, and an older build refuses (by version) only the entries it could
 * not apply.
 *
 * <p>Record types and enum codes are fixed numbers written down here and in the code, never
 * ordinals, so reordering or adding a constant cannot change what is committed; a number once
 * given is never reused. A new field or record kind means a new version byte. A reader refuses a
 * version, record type, flag or enum code it does not know, naming it, rather than guessing or
 * skipping: a node that cannot read a committed entry must stop, not diverge from the others.
 * {@code ClusterRecordCodecTest} holds the exact bytes of one record of every kind.
 *
 * <p>Crash behaviour is the quorum's: an entry is committed whole or not at all, so this format
 * has no checksum or length of its own; decoding checks that the entry is consumed exactly.
 */
public final class ClusterRecordCodec {

    static final byte VERSION = 1;
    static final byte VERSION_WITH_REASSIGNMENT = 2;
    static final byte VERSION_WITH_SECURITY = 3;

    private static final byte CLUSTER_ID = 1;
    private static final byte REGISTER_BROKER = 2;
    private static final byte FENCE_BROKER = 3;
    private static final byte UNFENCE_BROKER = 4;
    private static final byte BROKER_CONTROLLED_SHUTDOWN = 5;
    private static final byte ACCEPT_BROKER_DIRECTORY = 6;
    private static final byte TOPIC = 7;
    private static final byte PARTITION = 8;
    private static final byte PARTITION_CHANGE = 9;
    private static final byte TOPIC_CONFIG = 10;
    private static final byte REMOVE_TOPIC = 11;
    private static final byte PRODUCER_IDS = 12;
    private static final byte SECURITY = 13;

    private static final int ISR_PRESENT = 1;
    private static final int LEADER_PRESENT = 2;
    private static final int REPLICAS_PRESENT = 4;
    private static final int RECOVERY_PRESENT = 8;
    private static final int REMOVING_PRESENT = 16;
    private static final int ADDING_PRESENT = 32;
    private static final int KNOWN_PRESENT_BITS = ISR_PRESENT | LEADER_PRESENT | REPLICAS_PRESENT | RECOVERY_PRESENT;
    private static final int KNOWN_PRESENT_BITS_V2 = KNOWN_PRESENT_BITS | REMOVING_PRESENT | ADDING_PRESENT;

    private ClusterRecordCodec() {
    }

    /**
     * Thrown when a committed entry cannot be decoded: written by a newer Surety, or damaged. The
     * message says which record and why, with the unknown code if there is one.
     */
    public static final class UndecodableEntryException extends Exception {
        private static final long serialVersionUID = 1L;

        UndecodableEntryException(String message) {
            super(message);
        }
    }

    /** The bytes of one entry holding {@code records}, in order. */
    public static byte[] encode(List<ClusterRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 32 * records.size());
        Writer out = new Writer(new DataOutputStream(bytes));
        byte version = records.stream().anyMatch(Security.class::isInstance) ? VERSION_WITH_SECURITY
                : records.stream().anyMatch(ClusterRecordCodec::needsReassignmentVersion) ? VERSION_WITH_REASSIGNMENT : VERSION;
        out.i8(version).i32(records.size());
        records.forEach(record -> encodeOne(record, out, version));
        return bytes.toByteArray();
    }

    private static boolean needsReassignmentVersion(ClusterRecord record) {
        return record instanceof Partition p && p.reassigning()
                || record instanceof PartitionChange c && c.changesReassignment();
    }

    private static void encodeOne(ClusterRecord record, Writer out, byte version) {
        if (record instanceof ClusterId r) {
            out.i8(CLUSTER_ID).str(r.clusterId());
        } else if (record instanceof RegisterBroker r) {
            out.i8(REGISTER_BROKER).i32(r.brokerId()).uuid(r.incarnationId()).i64(r.brokerEpoch()).uuid(r.directoryId())
                    .i32(r.endpoints().size());
            r.endpoints().forEach(e -> out.str(e.name()).str(e.host()).i32(e.port()).i16(e.securityProtocol()));
            out.str(r.rack().orElse(null)).bool(r.fenced()).bool(r.inControlledShutdown()).bool(r.directoryPendingReplace());
        } else if (record instanceof FenceBroker r) {
            out.i8(FENCE_BROKER).i32(r.brokerId()).i64(r.brokerEpoch());
        } else if (record instanceof UnfenceBroker r) {
            out.i8(UNFENCE_BROKER).i32(r.brokerId()).i64(r.brokerEpoch());
        } else if (record instanceof BrokerControlledShutdown r) {
            out.i8(BROKER_CONTROLLED_SHUTDOWN).i32(r.brokerId()).i64(r.brokerEpoch());
        } else if (record instanceof AcceptBrokerDirectory r) {
            out.i8(ACCEPT_BROKER_DIRECTORY).i32(r.brokerId()).i64(r.brokerEpoch()).uuid(r.directoryId());
        } else if (record instanceof Topic r) {
            out.i8(TOPIC).str(r.name()).uuid(r.topicId());
        } else if (record instanceof Partition r) {
            out.i8(PARTITION).uuid(r.topicId()).i32(r.partitionId()).ints(r.replicas()).ints(r.isr()).i32(r.leader())
                    .i8(r.leaderRecoveryState().code()).i32(r.leaderEpoch()).i32(r.partitionEpoch());
            if (version >= VERSION_WITH_REASSIGNMENT) {
                out.ints(r.addingReplicas()).ints(r.removingReplicas());
            }
        } else if (record instanceof PartitionChange r) {
            int present = (r.isr().isPresent() ? ISR_PRESENT : 0) | (r.leader().isPresent() ? LEADER_PRESENT : 0)
                    | (r.replicas().isPresent() ? REPLICAS_PRESENT : 0)
                    | (r.leaderRecoveryState().isPresent() ? RECOVERY_PRESENT : 0)
                    | (r.removingReplicas().isPresent() ? REMOVING_PRESENT : 0)
                    | (r.addingReplicas().isPresent() ? ADDING_PRESENT : 0);
            out.i8(PARTITION_CHANGE).uuid(r.topicId()).i32(r.partitionId()).i8(present);
            r.isr().ifPresent(out::ints);
            r.leader().ifPresent(out::i32);
            r.replicas().ifPresent(out::ints);
            r.leaderRecoveryState().ifPresent(s -> out.i8(s.code()));
            r.removingReplicas().ifPresent(out::ints);
            r.addingReplicas().ifPresent(out::ints);
        } else if (record instanceof TopicConfig r) {
            out.i8(TOPIC_CONFIG).uuid(r.topicId()).str(r.key()).str(r.value().orElse(null));
        } else if (record instanceof RemoveTopic r) {
            out.i8(REMOVE_TOPIC).uuid(r.topicId());
        } else if (record instanceof ProducerIds r) {
            out.i8(PRODUCER_IDS).i32(r.brokerId()).i64(r.brokerEpoch()).i64(r.nextProducerId());
        } else if (record instanceof Security r) {
            out.i8(SECURITY).bytes(kafkaRecord(r.record()));
        } else {
            throw new IllegalArgumentException("Unknown record " + record);
        }
    }

    /**
     * The records of one entry.
     *
     * @throws UndecodableEntryException on an unknown version, record type, flag or code, a
     *         length past the end, or bytes left after the last record
     */
    public static List<ClusterRecord> decode(byte[] entry) throws UndecodableEntryException {
        ByteBuffer buf = ByteBuffer.wrap(entry);
        try {
            byte version = buf.get();
            if (version != VERSION && version != VERSION_WITH_REASSIGNMENT && version != VERSION_WITH_SECURITY) {
                throw new UndecodableEntryException("unknown metadata entry version " + version);
            }
            Reader in = new Reader(buf, version);
            int count = in.count();
            List<ClusterRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                records.add(decodeOne(in, i, count));
            }
            if (buf.hasRemaining()) {
                throw new UndecodableEntryException(buf.remaining() + " bytes left after the last record");
            }
            return records;
        } catch (BufferUnderflowException e) {
            throw new UndecodableEntryException("the entry ends inside a record");
        }
    }

    private static ClusterRecord decodeOne(Reader in, int index, int count) throws UndecodableEntryException {
        byte type = in.buf.get();
        try {
            return decodeOne(type, in);
        } catch (IllegalArgumentException | NullPointerException | UndecodableEntryException e) {
            throw new UndecodableEntryException("record " + (index + 1) + " of " + count + ": " + e.getMessage());
        }
    }

    private static ClusterRecord decodeOne(byte type, Reader in) throws UndecodableEntryException {
        switch (type) {
            case CLUSTER_ID:
                return new ClusterId(in.str());
            case REGISTER_BROKER:
                return decodeRegisterBroker(in);
            case FENCE_BROKER:
                return new FenceBroker(in.i32(), in.i64());
            case UNFENCE_BROKER:
                return new UnfenceBroker(in.i32(), in.i64());
            case BROKER_CONTROLLED_SHUTDOWN:
                return new BrokerControlledShutdown(in.i32(), in.i64());
            case ACCEPT_BROKER_DIRECTORY:
                return new AcceptBrokerDirectory(in.i32(), in.i64(), in.uuid());
            case TOPIC:
                return new Topic(in.str(), in.uuid());
            case PARTITION:
                return decodePartition(in);
            case PARTITION_CHANGE:
                return decodePartitionChange(in);
            case TOPIC_CONFIG:
                return new TopicConfig(in.uuid(), in.str(), Optional.ofNullable(in.str()));
            case REMOVE_TOPIC:
                return new RemoveTopic(in.uuid());
            case PRODUCER_IDS:
                return new ProducerIds(in.i32(), in.i64(), in.i64());
            case SECURITY:
                if (in.version < VERSION_WITH_SECURITY) {
                    throw new UndecodableEntryException("a security record in a version " + in.version + " entry");
                }
                return decodeSecurity(in.bytes());
            default:
                throw new UndecodableEntryException("unknown record type " + type);
        }
    }

    /** Kafka's own bytes of a metadata record ({@link MetadataRecordSerde}: frame version, type, version, record). */
    private static byte[] kafkaRecord(ApiMessageAndVersion record) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(MetadataRecordSerde.INSTANCE.recordSize(record, cache));
        MetadataRecordSerde.INSTANCE.write(record, cache, new ByteBufferAccessor(buffer));
        return buffer.array();
    }

    private static Security decodeSecurity(byte[] bytes) throws UndecodableEntryException {
        ApiMessageAndVersion record;
        try {
            record = MetadataRecordSerde.INSTANCE.read(new ByteBufferAccessor(ByteBuffer.wrap(bytes)), bytes.length);
        } catch (RuntimeException e) {
            throw new UndecodableEntryException("a security record cannot be read: " + e.getMessage());
        }
        if (!SecurityImage.replays(record.message())) {
            throw new UndecodableEntryException("record type " + record.message().apiKey() + " is not a security record");
        }
        return new Security(record);
    }

    private static RegisterBroker decodeRegisterBroker(Reader in) throws UndecodableEntryException {
        int brokerId = in.i32();
        Uuid incarnationId = in.uuid();
        long epoch = in.i64();
        Uuid directoryId = in.uuid();
        int n = in.count();
        List<Endpoint> endpoints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            endpoints.add(new Endpoint(in.str(), in.str(), in.i32(), in.buf.getShort()));
        }
        return new RegisterBroker(brokerId, incarnationId, epoch, directoryId, endpoints, Optional.ofNullable(in.str()),
                in.bool(), in.bool(), in.bool());
    }

    private static Partition decodePartition(Reader in) throws UndecodableEntryException {
        Partition partition = new Partition(in.uuid(), in.i32(), in.ints(), in.ints(), in.i32(),
                LeaderRecoveryState.fromCode(in.buf.get()), in.i32(), in.i32());
        if (in.version < VERSION_WITH_REASSIGNMENT) {
            return partition;
        }
        return new Partition(partition.topicId(), partition.partitionId(), partition.replicas(), partition.isr(),
                partition.leader(), partition.leaderRecoveryState(), partition.leaderEpoch(), partition.partitionEpoch(),
                in.ints(), in.ints());
    }

    private static PartitionChange decodePartitionChange(Reader in) throws UndecodableEntryException {
        Uuid topicId = in.uuid();
        int partitionId = in.i32();
        int present = in.buf.get();
        int known = in.version >= VERSION_WITH_REASSIGNMENT ? KNOWN_PRESENT_BITS_V2 : KNOWN_PRESENT_BITS;
        if ((present & ~known) != 0) {
            throw new UndecodableEntryException("unknown partition change flags " + present);
        }
        Optional<List<Integer>> isr = (present & ISR_PRESENT) != 0 ? Optional.of(in.ints()) : Optional.empty();
        OptionalInt leader = (present & LEADER_PRESENT) != 0 ? OptionalInt.of(in.i32()) : OptionalInt.empty();
        Optional<List<Integer>> replicas = (present & REPLICAS_PRESENT) != 0 ? Optional.of(in.ints()) : Optional.empty();
        Optional<LeaderRecoveryState> recovery = (present & RECOVERY_PRESENT) != 0
                ? Optional.of(LeaderRecoveryState.fromCode(in.buf.get())) : Optional.empty();
        Optional<List<Integer>> removing = (present & REMOVING_PRESENT) != 0 ? Optional.of(in.ints()) : Optional.empty();
        Optional<List<Integer>> adding = (present & ADDING_PRESENT) != 0 ? Optional.of(in.ints()) : Optional.empty();
        return new PartitionChange(topicId, partitionId, isr, leader, replicas, recovery, adding, removing);
    }

    /** A big-endian writer over an in-memory stream, which never throws. */
    private static final class Writer {
        private final DataOutputStream out;

        Writer(DataOutputStream out) {
            this.out = out;
        }

        Writer i8(int v) {
            try {
                out.writeByte(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer bool(boolean v) {
            return i8(v ? 1 : 0);
        }

        Writer i16(short v) {
            return i8(v >> 8).i8(v);
        }

        Writer i32(int v) {
            return i16((short) (v >>> 16)).i16((short) v);
        }

        Writer i64(long v) {
            return i32((int) (v >>> 32)).i32((int) v);
        }

        Writer uuid(Uuid id) {
            return i64(id.getMostSignificantBits()).i64(id.getLeastSignificantBits());
        }

        Writer str(String s) {
            if (s == null) {
                return i32(-1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            try {
                out.write(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer bytes(byte[] b) {
            i32(b.length);
            try {
                out.write(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer ints(List<Integer> values) {
            i32(values.size());
            values.forEach(this::i32);
            return this;
        }
    }

    /** Reads from one entry, bounding every length by what is left of it. */
    private static final class Reader {
        final ByteBuffer buf;
        final byte version;

        Reader(ByteBuffer buf, byte version) {
            this.buf = buf;
            this.version = version;
        }

        int i32() {
            return buf.getInt();
        }

        long i64() {
            return buf.getLong();
        }

        Uuid uuid() {
            return new Uuid(buf.getLong(), buf.getLong());
        }

        boolean bool() throws UndecodableEntryException {
            byte b = buf.get();
            if (b != 0 && b != 1) {
                throw new UndecodableEntryException("bad boolean " + b);
            }
            return b == 1;
        }

        int count() throws UndecodableEntryException {
            int n = buf.getInt();
            if (n < 0 || n > buf.remaining()) {
                throw new UndecodableEntryException("count " + n + " exceeds the entry");
            }
            return n;
        }

        List<Integer> ints() throws UndecodableEntryException {
            int n = count();
            List<Integer> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(buf.getInt());
            }
            return out;
        }

        byte[] bytes() throws UndecodableEntryException {
            int n = buf.getInt();
            if (n < 0 || n > buf.remaining()) {
                throw new UndecodableEntryException("length " + n + " exceeds the entry");
            }
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        String str() throws UndecodableEntryException {
            int n = buf.getInt();
            if (n == -1) {
                return null;
            }
            if (n < 0 || n > buf.remaining()) {
                throw new UndecodableEntryException("length " + n + " exceeds the entry");
            }
            byte[] b = new byte[n];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
