package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.ClassicGroupSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.ClassicMemberSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerGroupEpoch;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerTargetAssignment;
import io.surety.broker.coordinator.CoordinatorRecord.GroupRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.MemberState;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetCommitted;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetStaged;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetsCompleted;
import java.nio.BufferUnderflowException;
import io.surety.broker.log.FramedJournal.UndecodableFrameException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Encodes and decodes the records of one journal frame (the frame header and its CRC are
 * {@link CoordinatorJournal}'s). Stateless.
 *
 * <p>Frame body, all integers big-endian:
 * <pre>
 *  size  field
 *   1    version        1 (0 for frames written before the transaction records existed)
 *   4    recordCount
 *   -    records        each: type (1 byte) then the type's fields, in the order below
 * </pre>
 * Field encodings: {@code str} = int32 byte length (-1 for null) + UTF-8; {@code bytes} = int32
 * length (-1 for null) + bytes; {@code uuid} = two int64; {@code assignment} = int32 topic count,
 * then per topic uuid + int32 partition count + that many int32.
 * <pre>
 *  type  record                    fields
 *   1    OffsetCommitted           group str, topic str, partition i32, offset i64, leaderEpoch i32,
 *                                  metadata str, commitTimestampMs i64
 *   2    OffsetRemoved             group str, topic str, partition i32
 *   3    ClassicGroupSnapshot      group str, protocolType str, generation i32, protocolName str,
 *                                  leader str, stateTimestampMs i64, member count i32, per member:
 *                                  memberId str, instanceId str, clientId str, clientHost str,
 *                                  rebalanceTimeoutMs i32, sessionTimeoutMs i32, subscription bytes,
 *                                  assignment bytes
 *   4    GroupRemoved              group str
 *   5    ConsumerGroupEpoch        group str, epoch i32, metadataHash i64
 *   6    ConsumerMemberState       group str, memberId str, instanceId str, rackId str, clientId str,
 *                                  clientHost str, topic count i32 + str each, regex str, assignor str,
 *                                  rebalanceTimeoutMs i32, memberEpoch i32, previousMemberEpoch i32,
 *                                  state i8 (MemberState code), assigned assignment, revoking assignment
 *   7    ConsumerMemberRemoved     group str, memberId str
 *   8    ConsumerTargetAssignment  group str, assignmentEpoch i32, member count i32, per member:
 *                                  memberId str, assignment
 *   9    TransactionSnapshot       transactionalId str, producerId i64, previousProducerId i64,
 *                                  producerEpoch i16, lastProducerEpoch i16, timeoutMs i32,
 *                                  status i8 (TransactionStatus code), partition count i32, per
 *                                  partition: topic str + partition i32, group count i32 + str each,
 *                                  startTimestampMs i64, updateTimestampMs i64
 *  10    TransactionRemoved        transactionalId str
 *  11    TxnOffsetStaged           group str, producerId i64, topic str, partition i32, offset i64,
 *                                  leaderEpoch i32, metadata str, commitTimestampMs i64
 *  12    TxnOffsetsCompleted       group str, producerId i64, commit i8 (1 commit, 0 abort)
 * </pre>
 * Enum codes, one byte each:
 * <pre>
 *  MemberState        0 STABLE, 1 UNREVOKED_PARTITIONS, 2 UNRELEASED_PARTITIONS
 *  TransactionStatus  0 EMPTY, 1 ONGOING, 2 PREPARE_COMMIT, 3 PREPARE_ABORT, 4 COMPLETE_COMMIT,
 *                     5 COMPLETE_ABORT, 6 DEAD, 7 PREPARE_EPOCH_FENCE (6 and 7 are never written)
 * </pre>
 * Record types and enum codes are fixed numbers written down here and in the code ({@code code()}
 * on each enum), never ordinals or declaration order, so reordering or adding a constant cannot
 * change what is on disk; a number once given is never reused. A new field or record kind means a
 * new version byte. A reader refuses a version, record type or enum code it does not know, naming
 * it, rather than guessing or skipping the record. {@code RecordCodecTest} holds the exact bytes of
 * one record of every kind, so any change to this layout shows in review.
 */
final class RecordCodec {

    static final byte VERSION = 1;
    private static final byte FIRST_VERSION = 0;

    private static final byte OFFSET_COMMITTED = 1;
    private static final byte OFFSET_REMOVED = 2;
    private static final byte CLASSIC_GROUP_SNAPSHOT = 3;
    private static final byte GROUP_REMOVED = 4;
    private static final byte CONSUMER_GROUP_EPOCH = 5;
    private static final byte CONSUMER_MEMBER_STATE = 6;
    private static final byte CONSUMER_MEMBER_REMOVED = 7;
    private static final byte CONSUMER_TARGET_ASSIGNMENT = 8;
    private static final byte TRANSACTION_SNAPSHOT = 9;
    private static final byte TRANSACTION_REMOVED = 10;
    private static final byte TXN_OFFSET_STAGED = 11;
    private static final byte TXN_OFFSETS_COMPLETED = 12;

    private RecordCodec() {
    }

    static byte[] encode(List<CoordinatorRecord> records) {
        Writer out = new Writer();
        out.i8(VERSION);
        out.i32(records.size());
        for (CoordinatorRecord record : records) {
            encodeOne(record, out);
        }
        return out.toArray();
    }

    private static void encodeOne(CoordinatorRecord record, Writer out) {
        if (record instanceof OffsetCommitted r) {
            out.i8(OFFSET_COMMITTED).str(r.groupId()).str(r.topic()).i32(r.partition()).i64(r.offset()).i32(r.leaderEpoch())
                    .str(r.metadata()).i64(r.commitTimestampMs());
        } else if (record instanceof OffsetRemoved r) {
            out.i8(OFFSET_REMOVED).str(r.groupId()).str(r.topic()).i32(r.partition());
        } else if (record instanceof ClassicGroupSnapshot r) {
            out.i8(CLASSIC_GROUP_SNAPSHOT).str(r.groupId()).str(r.protocolType()).i32(r.generation()).str(r.protocolName())
                    .str(r.leaderId()).i64(r.stateTimestampMs()).i32(r.members().size());
            for (ClassicMemberSnapshot m : r.members()) {
                out.str(m.memberId()).str(m.instanceId()).str(m.clientId()).str(m.clientHost())
                        .i32(m.rebalanceTimeoutMs()).i32(m.sessionTimeoutMs()).bytes(m.subscription()).bytes(m.assignment());
            }
        } else if (record instanceof GroupRemoved r) {
            out.i8(GROUP_REMOVED).str(r.groupId());
        } else if (record instanceof ConsumerGroupEpoch r) {
            out.i8(CONSUMER_GROUP_EPOCH).str(r.groupId()).i32(r.epoch()).i64(r.metadataHash());
        } else if (record instanceof ConsumerMemberState r) {
            out.i8(CONSUMER_MEMBER_STATE).str(r.groupId()).str(r.memberId()).str(r.instanceId()).str(r.rackId())
                    .str(r.clientId()).str(r.clientHost()).i32(r.subscribedTopics().size());
            r.subscribedTopics().forEach(out::str);
            out.str(r.subscribedRegex()).str(r.serverAssignor()).i32(r.rebalanceTimeoutMs()).i32(r.memberEpoch())
                    .i32(r.previousMemberEpoch()).i8(r.state().code()).assignment(r.assigned()).assignment(r.revoking());
        } else if (record instanceof ConsumerMemberRemoved r) {
            out.i8(CONSUMER_MEMBER_REMOVED).str(r.groupId()).str(r.memberId());
        } else if (record instanceof ConsumerTargetAssignment r) {
            out.i8(CONSUMER_TARGET_ASSIGNMENT).str(r.groupId()).i32(r.assignmentEpoch()).i32(r.targets().size());
            new TreeMap<>(r.targets()).forEach((member, assignment) -> out.str(member).assignment(assignment));
        } else if (record instanceof TransactionSnapshot r) {
            out.i8(TRANSACTION_SNAPSHOT).str(r.transactionalId()).i64(r.producerId()).i64(r.previousProducerId())
                    .i16(r.producerEpoch()).i16(r.lastProducerEpoch()).i32(r.timeoutMs()).i8(r.status().code())
                    .i32(r.partitions().size());
            r.partitions().forEach(tp -> out.str(tp.topic()).i32(tp.partition()));
            out.i32(r.groups().size());
            r.groups().forEach(out::str);
            out.i64(r.startTimestampMs()).i64(r.updateTimestampMs());
        } else if (record instanceof TransactionRemoved r) {
            out.i8(TRANSACTION_REMOVED).str(r.transactionalId());
        } else if (record instanceof TxnOffsetStaged r) {
            out.i8(TXN_OFFSET_STAGED).str(r.groupId()).i64(r.producerId()).str(r.topic()).i32(r.partition()).i64(r.offset())
                    .i32(r.leaderEpoch()).str(r.metadata()).i64(r.commitTimestampMs());
        } else if (record instanceof TxnOffsetsCompleted r) {
            out.i8(TXN_OFFSETS_COMPLETED).str(r.groupId()).i64(r.producerId()).i8(r.commit() ? 1 : 0);
        } else {
            throw new IllegalArgumentException("Unknown record " + record);
        }
    }

    static List<CoordinatorRecord> decode(ByteBuffer body) throws UndecodableFrameException {
        try {
            byte version = body.get();
            if (version < FIRST_VERSION || version > VERSION) {
                throw new UndecodableFrameException("unknown frame version " + version);
            }
            int count = body.getInt();
            if (count < 0 || count > body.remaining()) {
                throw new UndecodableFrameException("bad record count " + count);
            }
            List<CoordinatorRecord> records = new ArrayList<>(count);
            Reader in = new Reader(body);
            for (int i = 0; i < count; i++) {
                records.add(decodeOne(in, i, count));
            }
            if (body.hasRemaining()) {
                throw new UndecodableFrameException(body.remaining() + " bytes left after the last record");
            }
            return records;
        } catch (BufferUnderflowException e) {
            throw new UndecodableFrameException("the frame ends inside a record");
        }
    }

    private static CoordinatorRecord decodeOne(Reader in, int index, int count) throws UndecodableFrameException {
        byte type = in.buf.get();
        String which = "record " + (index + 1) + " of " + count + ": ";
        try {
            return decodeOne(type, in);
        } catch (IllegalArgumentException | UndecodableFrameException e) {
            throw new UndecodableFrameException(which + e.getMessage());
        } catch (NullPointerException e) {
            throw new UndecodableFrameException(which + "a required field is null (" + e.getMessage() + ")");
        }
    }

    private static CoordinatorRecord decodeOne(byte type, Reader in) throws UndecodableFrameException {
        switch (type) {
            case OFFSET_COMMITTED:
                return new OffsetCommitted(in.str(), in.str(), in.i32(), in.i64(), in.i32(), in.str(), in.i64());
            case OFFSET_REMOVED:
                return new OffsetRemoved(in.str(), in.str(), in.i32());
            case CLASSIC_GROUP_SNAPSHOT: {
                String group = in.str();
                String protocolType = in.str();
                int generation = in.i32();
                String protocolName = in.str();
                String leader = in.str();
                long stateTs = in.i64();
                int n = in.count();
                List<ClassicMemberSnapshot> members = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    members.add(new ClassicMemberSnapshot(in.str(), in.str(), in.str(), in.str(), in.i32(), in.i32(),
                            in.bytes(), in.bytes()));
                }
                return new ClassicGroupSnapshot(group, protocolType, generation, protocolName, leader, stateTs, members);
            }
            case GROUP_REMOVED:
                return new GroupRemoved(in.str());
            case CONSUMER_GROUP_EPOCH:
                return new ConsumerGroupEpoch(in.str(), in.i32(), in.i64());
            case CONSUMER_MEMBER_STATE: {
                String group = in.str();
                String member = in.str();
                String instance = in.str();
                String rack = in.str();
                String client = in.str();
                String host = in.str();
                int n = in.count();
                List<String> topics = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    topics.add(in.str());
                }
                String regex = in.str();
                String assignor = in.str();
                int rebalanceTimeout = in.i32();
                int epoch = in.i32();
                int previous = in.i32();
                MemberState state = MemberState.fromCode(in.buf.get());
                return new ConsumerMemberState(group, member, instance, rack, client, host, topics, regex, assignor,
                        rebalanceTimeout, epoch, previous, state, in.assignment(), in.assignment());
            }
            case CONSUMER_MEMBER_REMOVED:
                return new ConsumerMemberRemoved(in.str(), in.str());
            case CONSUMER_TARGET_ASSIGNMENT: {
                String group = in.str();
                int epoch = in.i32();
                int n = in.count();
                Map<String, Assignment> targets = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    targets.put(in.str(), in.assignment());
                }
                return new ConsumerTargetAssignment(group, epoch, targets);
            }
            case TRANSACTION_SNAPSHOT:
                return decodeTransaction(in);
            case TRANSACTION_REMOVED:
                return new TransactionRemoved(in.str());
            case TXN_OFFSET_STAGED:
                return new TxnOffsetStaged(in.str(), in.i64(), in.str(), in.i32(), in.i64(), in.i32(), in.str(), in.i64());
            case TXN_OFFSETS_COMPLETED: {
                String group = in.str();
                long producerId = in.i64();
                byte commit = in.buf.get();
                if (commit != 0 && commit != 1) {
                    throw new UndecodableFrameException("bad commit flag " + commit);
                }
                return new TxnOffsetsCompleted(group, producerId, commit == 1);
            }
            default:
                throw new UndecodableFrameException("unknown record type " + type);
        }
    }

    private static TransactionSnapshot decodeTransaction(Reader in) {
        String id = in.str();
        long producerId = in.i64();
        long previous = in.i64();
        short epoch = in.buf.getShort();
        short lastEpoch = in.buf.getShort();
        int timeoutMs = in.i32();
        TransactionStatus status = TransactionStatus.fromCode(in.buf.get());
        int n = in.count();
        List<TopicPartition> partitions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            partitions.add(new TopicPartition(in.str(), in.i32()));
        }
        int g = in.count();
        List<String> groups = new ArrayList<>(g);
        for (int i = 0; i < g; i++) {
            groups.add(in.str());
        }
        return new TransactionSnapshot(id, producerId, previous, epoch, lastEpoch, timeoutMs,
                status, partitions, groups, in.i64(), in.i64());
    }

    /** A growable big-endian writer. */
    private static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(256);

        private void ensure(int more) {
            if (buf.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        Writer i8(int v) {
            ensure(1);
            buf.put((byte) v);
            return this;
        }

        Writer i16(short v) {
            ensure(2);
            buf.putShort(v);
            return this;
        }

        Writer i32(int v) {
            ensure(4);
            buf.putInt(v);
            return this;
        }

        Writer i64(long v) {
            ensure(8);
            buf.putLong(v);
            return this;
        }

        Writer str(String s) {
            return bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        Writer bytes(byte[] b) {
            if (b == null) {
                return i32(-1);
            }
            i32(b.length);
            ensure(b.length);
            buf.put(b);
            return this;
        }

        Writer assignment(Assignment a) {
            i32(a.partitions().size());
            for (Map.Entry<Uuid, Set<Integer>> e : a.partitions().entrySet()) {
                i64(e.getKey().getMostSignificantBits()).i64(e.getKey().getLeastSignificantBits()).i32(e.getValue().size());
                e.getValue().forEach(this::i32);
            }
            return this;
        }

        byte[] toArray() {
            byte[] out = new byte[buf.position()];
            buf.flip();
            buf.get(out);
            return out;
        }
    }

    /** Reads from a frame body, bounding every length by what is left of the frame. */
    private static final class Reader {
        final ByteBuffer buf;

        Reader(ByteBuffer buf) {
            this.buf = buf;
        }

        int i32() {
            return buf.getInt();
        }

        long i64() {
            return buf.getLong();
        }

        int count() {
            int n = buf.getInt();
            if (n < 0 || n > buf.remaining()) {
                throw new IllegalArgumentException("count " + n + " exceeds the frame");
            }
            return n;
        }

        byte[] bytes() {
            int n = buf.getInt();
            if (n == -1) {
                return null;
            }
            if (n < 0 || n > buf.remaining()) {
                throw new IllegalArgumentException("length " + n + " exceeds the frame");
            }
            byte[] out = new byte[n];
            buf.get(out);
            return out;
        }

        String str() {
            byte[] b = bytes();
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }

        Assignment assignment() {
            int topics = count();
            Map<Uuid, Set<Integer>> out = new TreeMap<>();
            for (int t = 0; t < topics; t++) {
                Uuid id = new Uuid(buf.getLong(), buf.getLong());
                int n = count();
                Set<Integer> partitions = new TreeSet<>();
                for (int i = 0; i < n; i++) {
                    partitions.add(buf.getInt());
                }
                out.put(id, partitions);
            }
            return new Assignment(out);
        }
    }
}
