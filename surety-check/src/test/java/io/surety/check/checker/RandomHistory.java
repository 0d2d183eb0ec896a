package io.surety.check.checker;

import static io.surety.check.checker.Guarantees.AT_MOST_ONCE;
import static io.surety.check.checker.Guarantees.EXACTLY_ONCE;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A random clean run of one guarantee, the way the runner writes it: several producer instances
 * (one killed with records in flight, replaced by a new instance), failed sends, for exactly-once
 * transactions that commit or abort (markers and aborted records leave gaps in the offsets); a
 * consumer group with joins, leaves and crashes at each commit point (for exactly-once a copier
 * that crashes mid-transaction or aborts and rewinds); a final read of the log and the output.
 *
 * <p>{@link #inject} then adds anomalies of one kind that each add exactly one to one count.
 */
final class RandomHistory {

    enum Anomaly { LOST, DUPLICATE, LOG_DUPLICATE, REORDER, ABORTED_READ, PHANTOM, SKIP, SKIP_AFTER_REBALANCE }

    /** One record of the model. */
    static final class Rec {
        final String producer;
        final long seq;
        final int partition;
        final int index;
        long offset = -1;
        boolean inLog;
        boolean visible;
        boolean acknowledged;
        boolean failed;
        boolean aborted;

        Rec(String producer, long seq, int partition, int index) {
            this.producer = producer;
            this.seq = seq;
            this.partition = partition;
            this.index = index;
        }
    }

    private record Step(EventType type, Rec rec, String detail) {
    }

    final String guarantee;
    private final boolean eos;
    private final Random rnd;
    private final int partitions;
    private final int recordsPerProducer;
    final List<Rec> records = new ArrayList<>();
    private final List<List<Rec>> log = new ArrayList<>(); // per partition, null = transaction marker
    private final List<Step> producerSteps = new ArrayList<>();
    final Set<Rec> delivered = new HashSet<>();
    private List<HistoryEvent> events;

    RandomHistory(String guarantee, long seed, int recordsPerProducer) {
        this.guarantee = guarantee;
        this.eos = guarantee.equals(EXACTLY_ONCE);
        this.rnd = new Random(seed);
        this.partitions = 2 + rnd.nextInt(3);
        this.recordsPerProducer = recordsPerProducer;
        for (int p = 0; p < partitions; p++) {
            log.add(new ArrayList<>());
        }
        produce();
    }

    /** A clean history; {@code reorders} adjacent records of one producer swap places in the log first. */
    static RandomHistory clean(String guarantee, long seed, int recordsPerProducer, int reorders) {
        RandomHistory h = new RandomHistory(guarantee, seed, recordsPerProducer);
        if (reorders > 0) {
            h.swapPairs(reorders, new Random(seed * 31 + 7));
        }
        h.render();
        return h;
    }

    List<HistoryEvent> events() {
        return events;
    }

    // ---- producers ----

    private void produce() {
        // p2 is killed part way and replaced by p2b, which starts only then
        String[] instances = {"p1", "p2", "p3", "p2b"};
        int[] remaining = {recordsPerProducer, recordsPerProducer / 2, recordsPerProducer, recordsPerProducer / 2};
        long[] nextSeq = new long[instances.length];
        boolean killed = false;
        while (true) {
            List<Integer> ready = new ArrayList<>();
            for (int i = 0; i < instances.length; i++) {
                if (remaining[i] > 0 && (i != 3 || killed)) {
                    ready.add(i);
                }
            }
            if (ready.isEmpty()) {
                break;
            }
            int i = ready.get(rnd.nextInt(ready.size()));
            int size = eos ? 1 + rnd.nextInt(4) : 1;
            size = Math.min(size, remaining[i]);
            remaining[i] -= size;
            boolean dying = i == 1 && remaining[i] == 0;
            List<Rec> unit = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                Rec rec = new Rec(instances[i], nextSeq[i]++, rnd.nextInt(partitions), records.size());
                records.add(rec);
                unit.add(rec);
                producerSteps.add(new Step(EventType.SEND, rec, null));
            }
            if (eos) {
                transaction(unit, dying);
            } else {
                for (Rec rec : unit) {
                    plainSend(rec, dying);
                }
            }
            if (dying) {
                killed = true;
            }
        }
    }

    private void append(Rec rec) {
        rec.inLog = true;
        rec.offset = log.get(rec.partition).size();
        log.get(rec.partition).add(rec);
    }

    private void plainSend(Rec rec, boolean dying) {
        if (dying) { // in flight when the producer was killed: SEND only, may or may not have landed
            if (rnd.nextBoolean()) {
                append(rec);
                rec.visible = true;
            }
        } else if (rnd.nextInt(100) < 8) {
            rec.failed = true;
            producerSteps.add(new Step(EventType.FAIL, rec, "TimeoutException: expired"));
        } else {
            append(rec);
            rec.visible = true;
            rec.acknowledged = true;
            producerSteps.add(new Step(EventType.ACK, rec, null));
        }
    }

    private void transaction(List<Rec> unit, boolean dying) {
        for (Rec rec : unit) {
            append(rec);
        }
        boolean commit = !dying && rnd.nextInt(100) >= 25;
        Set<Integer> touched = unit.stream().map(r -> r.partition).collect(Collectors.toSet());
        for (int p : touched) {
            log.get(p).add(null); // commit or abort marker
        }
        for (Rec rec : unit) {
            if (commit) {
                rec.visible = true;
                rec.acknowledged = true;
                producerSteps.add(new Step(EventType.ACK, rec, null));
            } else if (!dying) {
                rec.failed = true;
                rec.aborted = true;
                producerSteps.add(new Step(EventType.FAIL, rec, "aborted (deliberate)"));
            }
        }
    }

    /** Swaps the offsets of {@code count} disjoint pairs of consecutive visible records of one producer in one partition. */
    private void swapPairs(int count, Random choice) {
        List<Rec[]> pairs = new ArrayList<>();
        for (List<Rec> partitionLog : log) {
            Map<String, List<Rec>> streams = new HashMap<>();
            for (Rec rec : partitionLog) {
                if (rec != null && rec.visible) {
                    streams.computeIfAbsent(rec.producer, p -> new ArrayList<>()).add(rec);
                }
            }
            for (List<Rec> stream : streams.values()) {
                for (int j = 0; j + 1 < stream.size(); j += 2) {
                    pairs.add(new Rec[] {stream.get(j), stream.get(j + 1)});
                }
            }
        }
        if (pairs.size() < count) {
            throw new IllegalStateException("only " + pairs.size() + " pairs to swap");
        }
        Collections.shuffle(pairs, choice);
        for (Rec[] pair : pairs.subList(0, count)) {
            long a = pair[0].offset;
            long b = pair[1].offset;
            List<Rec> partitionLog = log.get(pair[0].partition);
            partitionLog.set((int) b, pair[0]);
            partitionLog.set((int) a, pair[1]);
            pair[0].offset = b;
            pair[1].offset = a;
        }
    }

    // ---- rendering: producers, then the group, then the final reads ----

    private void render() {
        HistoryBuilder h = new HistoryBuilder(guarantee).runStart();
        for (Step step : producerSteps) {
            Rec r = step.rec;
            switch (step.type) {
                case SEND -> h.send(r.producer, r.seq);
                case ACK -> h.ack(r.producer, r.seq, r.partition, guarantee.equals(AT_MOST_ONCE) ? -1 : r.offset);
                default -> h.fail(r.producer, r.seq, step.detail);
            }
        }
        List<List<Rec>> visible = new ArrayList<>();
        for (List<Rec> partitionLog : log) {
            visible.add(partitionLog.stream().filter(r -> r != null && r.visible).collect(Collectors.toList()));
        }
        if (eos) {
            copy(h, visible);
        } else {
            consume(h, visible);
        }
        for (List<Rec> partitionRecords : visible) {
            for (Rec r : partitionRecords) {
                h.logRead(r.producer, r.seq, r.partition, r.offset);
            }
        }
        events = h.runEnd("complete").events();
    }

    private void consume(HistoryBuilder h, List<List<Rec>> visible) {
        boolean amo = guarantee.equals(AT_MOST_ONCE);
        int[] committed = new int[partitions]; // index into visible: next to read
        List<String> active = new ArrayList<>();
        Map<Integer, String> owner = new HashMap<>();
        int[] names = {0};
        active.add("c" + ++names[0]);
        rebalance(h, active, owner);
        int crashes = 0;
        int changes = 0;
        while (true) {
            List<Integer> pending = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                if (committed[p] < visible.get(p).size()) {
                    pending.add(p);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            int p = pending.get(rnd.nextInt(pending.size()));
            String consumer = owner.get(p);
            List<Rec> batch = visible.get(p).subList(committed[p],
                    Math.min(visible.get(p).size(), committed[p] + 1 + rnd.nextInt(4)));
            long next = batch.get(batch.size() - 1).offset + 1;
            int roll = rnd.nextInt(100);
            for (Rec r : batch) {
                h.poll(consumer, r.producer, r.seq, p, r.offset);
            }
            if (roll < 5 && crashes < 3) {
                crashes++;
                String point;
                int processed;
                if (amo) {
                    h.commit(consumer, p, next);
                    committed[p] += batch.size();
                    boolean beforeProcess = rnd.nextBoolean();
                    point = beforeProcess ? "after-commit-before-process" : "mid-processing";
                    processed = beforeProcess ? 0 : batch.size() / 2;
                } else {
                    boolean all = rnd.nextBoolean();
                    point = all ? "after-process-before-commit" : "mid-processing";
                    processed = all ? batch.size() : batch.size() / 2;
                }
                for (Rec r : batch.subList(0, processed)) {
                    process(h, consumer, r);
                }
                h.crash(consumer, point);
                active.remove(consumer);
                active.add("c" + ++names[0]);
                rebalance(h, active, owner);
                continue;
            }
            if (amo) {
                h.commit(consumer, p, next);
            }
            for (Rec r : batch) {
                process(h, consumer, r);
            }
            if (!amo) {
                h.commit(consumer, p, next);
            }
            committed[p] += batch.size();
            if (roll > 94 && changes < 4) {
                changes++;
                if (active.size() < 3) {
                    active.add("c" + ++names[0]);
                } else {
                    String leaving = active.remove(rnd.nextInt(active.size()));
                    h.assign(leaving, "");
                }
                rebalance(h, active, owner);
            }
        }
    }

    private void process(HistoryBuilder h, String consumer, Rec r) {
        h.process(consumer, r.producer, r.seq, r.partition, r.offset);
        delivered.add(r);
    }

    /** Eager rebalance: every member gets its full new assignment, partitions dealt round-robin. */
    private void rebalance(HistoryBuilder h, List<String> active, Map<Integer, String> owner) {
        int shift = rnd.nextInt(active.size());
        Map<String, StringJoiner> lists = new HashMap<>();
        for (String c : active) {
            lists.put(c, new StringJoiner(","));
        }
        for (int p = 0; p < partitions; p++) {
            String c = active.get((p + shift) % active.size());
            owner.put(p, c);
            lists.get(c).add(Integer.toString(p));
        }
        for (String c : active) {
            h.assign(c, lists.get(c).toString());
        }
    }

    private void copy(HistoryBuilder h, List<List<Rec>> visible) {
        int[] committed = new int[partitions];
        long[] outputOffsets = new long[2];
        List<long[]> outputs = new ArrayList<>(); // output partition, output offset, index of the record
        int copiers = 1;
        String all = IntStream.range(0, partitions).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
        String copier = "copier-1";
        h.assign(copier, all);
        int crashes = 0;
        int rewinds = 0;
        while (true) {
            List<Integer> pending = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                if (committed[p] < visible.get(p).size()) {
                    pending.add(p);
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            int p = pending.get(rnd.nextInt(pending.size()));
            List<Rec> batch = visible.get(p).subList(committed[p],
                    Math.min(visible.get(p).size(), committed[p] + 1 + rnd.nextInt(4)));
            for (Rec r : batch) {
                h.poll(copier, r.producer, r.seq, p, r.offset);
            }
            int roll = rnd.nextInt(100);
            int out = rnd.nextInt(2);
            if (roll < 5 && crashes < 2) { // killed mid-transaction: its output is aborted
                crashes++;
                outputOffsets[out] += batch.size() + 1;
                h.crash(copier, "mid-transaction");
                copier = "copier-" + ++copiers;
                h.assign(copier, all);
            } else if (roll < 10 && rewinds < 3) { // aborts and seeks back to the committed offsets
                rewinds++;
                outputOffsets[out] += batch.size() + 1;
            } else {
                for (Rec r : batch) {
                    outputs.add(new long[] {out, outputOffsets[out]++, r.index});
                }
                outputOffsets[out]++; // commit marker
                for (Rec r : batch) {
                    h.process(copier, r.producer, r.seq, p, r.offset);
                }
                committed[p] += batch.size();
            }
        }
        outputs.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        for (long[] o : outputs) {
            Rec r = records.get((int) o[2]);
            h.outputRead(r.producer, r.seq, (int) o[0], o[1]);
            delivered.add(r);
        }
    }

    // ---- anomalies ----

    /** The history with {@code k} anomalies of {@code kind} (REORDER is made by {@link #clean}); returns how many were injected. */
    List<HistoryEvent> inject(Anomaly kind, int k, Random choice) {
        List<HistoryEvent> out = new ArrayList<>(events);
        HistoryBuilder late = new HistoryBuilder(guarantee).at(1_000_000_000L);
        switch (kind) {
            case LOST -> {
                List<Rec> candidates = shuffled(records.stream()
                        .filter(r -> r.acknowledged && delivered.contains(r)).collect(Collectors.toList()), choice);
                Set<RecordKey> victims = keys(candidates.subList(0, k));
                EventType delivery = eos ? EventType.OUTPUT_READ : EventType.PROCESS;
                out.removeIf(e -> e.type() == delivery && victims.contains(new RecordKey(e.producer(), e.seq())));
            }
            case DUPLICATE -> {
                List<Rec> candidates = new ArrayList<>(delivered);
                candidates.sort((a, b) -> Integer.compare(a.index, b.index));
                for (int i = 0; i < k; i++) {
                    Rec r = candidates.get(choice.nextInt(candidates.size()));
                    if (eos) {
                        late.outputRead(r.producer, r.seq, 7, i);
                    } else {
                        late.process("c-late", r.producer, r.seq, r.partition, r.offset);
                    }
                }
            }
            case LOG_DUPLICATE -> {
                List<Rec> candidates = shuffled(records.stream().filter(r -> r.visible).collect(Collectors.toList()), choice);
                int i = 0;
                for (Rec r : candidates.subList(0, k)) {
                    late.logRead(r.producer, r.seq, r.partition, 1_000_000 + i++);
                }
            }
            case ABORTED_READ -> {
                List<Rec> candidates = shuffled(records.stream().filter(r -> r.aborted).collect(Collectors.toList()), choice);
                int i = 0;
                for (Rec r : candidates.subList(0, k)) {
                    late.poll("probe-" + i++, r.producer, r.seq, r.partition, r.offset);
                }
            }
            case PHANTOM -> {
                for (int i = 0; i < k; i++) {
                    late.poll("probe-" + i, "ghost", i, choice.nextInt(partitions), choice.nextInt(100));
                }
            }
            case SKIP, SKIP_AFTER_REBALANCE -> {
                List<int[]> eligible = skippablePolls(kind == Anomaly.SKIP_AFTER_REBALANCE);
                Collections.shuffle(eligible, choice);
                Set<Long> positions = new HashSet<>();
                Set<Integer> removed = new HashSet<>();
                for (int[] candidate : eligible) {
                    HistoryEvent e = events.get(candidate[0]);
                    if (removed.size() < k && positions.add(((long) e.partition() << 40) | e.offset())) {
                        removed.add(candidate[0]);
                    }
                }
                if (removed.size() < k) {
                    throw new IllegalStateException("only " + removed.size() + " polls to remove");
                }
                out = new ArrayList<>();
                for (int i = 0; i < events.size(); i++) {
                    if (!removed.contains(i)) {
                        out.add(events.get(i));
                    }
                }
            }
            case REORDER -> throw new IllegalArgumentException("reorders are made by clean()");
            default -> throw new IllegalArgumentException(kind.toString());
        }
        out.addAll(late.events());
        return out;
    }

    /** How many distinct records a new owner could be made to jump over (see {@link #skippablePolls}). */
    int skippableAfterRebalance() {
        Set<Long> positions = new HashSet<>();
        for (int[] candidate : skippablePolls(true)) {
            HistoryEvent e = events.get(candidate[0]);
            positions.add(((long) e.partition() << 40) | e.offset());
        }
        return positions.size();
    }

    int abortedRecords() {
        return (int) records.stream().filter(r -> r.aborted).count();
    }

    private static <T> List<T> shuffled(List<T> list, Random choice) {
        Collections.shuffle(list, choice);
        return list;
    }

    private static Set<RecordKey> keys(List<Rec> recs) {
        return recs.stream().map(r -> new RecordKey(r.producer, r.seq)).collect(Collectors.toSet());
    }

    /**
     * POLL events whose removal makes a consumer jump over exactly that record: followed by a
     * higher poll of the same consumer and partition with no assignment change in between, and
     * preceded by a lower one or by the assignment change itself (then with no commit of the
     * partition before the next poll, so the group's committed offset still points at it).
     * Each entry is {index of the event, 1 if first after an assignment change}.
     */
    private List<int[]> skippablePolls(boolean onlyFirstAfterAssign) {
        final class Chain {
            int pending = -1;
            long pendingOffset;
            boolean pendingFirst;
            boolean pendingAfterLower;
            boolean committedSince;
            Long last;
        }
        Map<String, Map<Integer, Chain>> chains = new HashMap<>();
        List<int[]> eligible = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            HistoryEvent e = events.get(i);
            switch (e.type()) {
                case ASSIGN -> chains.remove(e.actor());
                case COMMIT, PROCESS -> {
                    if (e.type() == EventType.COMMIT || eos) {
                        for (Map<Integer, Chain> byPartition : chains.values()) {
                            Chain c = byPartition.get(e.partition());
                            if (c != null) {
                                c.committedSince = true;
                            }
                        }
                    }
                }
                case POLL -> {
                    Chain c = chains.computeIfAbsent(e.actor(), a -> new HashMap<>())
                            .computeIfAbsent(e.partition(), p -> new Chain());
                    if (c.pending >= 0 && c.pendingOffset < e.offset()
                            && (c.pendingFirst ? !c.committedSince : c.pendingAfterLower)
                            && (!onlyFirstAfterAssign || c.pendingFirst)) {
                        eligible.add(new int[] {c.pending, c.pendingFirst ? 1 : 0});
                    }
                    c.pending = i;
                    c.pendingOffset = e.offset();
                    c.pendingFirst = c.last == null;
                    c.pendingAfterLower = c.last != null && c.last < e.offset();
                    c.committedSince = false;
                    c.last = e.offset();
                }
                default -> {
                }
            }
        }
        return eligible;
    }
}
