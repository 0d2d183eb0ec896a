package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.Uuid;

/**
 * The coordinator's state machines driven by hand: a manual clock, a manual timer, responses
 * completed at once (durability is the journal's business, tested elsewhere), and after every
 * step the invariants: replaying the records written so far rebuilds exactly the same durable
 * state, and no partition of a consumer group has two owners.
 */
final class ManualCoordinator implements OperationContext, CoordinatorTimer {

    private record Timed(long deadlineMs, long sequence, Operation task) {
    }

    final Map<String, TopicView.Topic> topicsByName = new TreeMap<>();
    final TopicView topics = new TopicView() {
        @Override
        public Topic byName(String name) {
            return topicsByName.get(name);
        }

        @Override
        public Topic byId(Uuid id) {
            return topicsByName.values().stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
        }

        @Override
        public Collection<Topic> all() {
            return topicsByName.values();
        }
    };
    final GroupConfig config;
    final GroupStateMachine state;
    final List<CoordinatorRecord> written = new ArrayList<>();
    private final Map<String, Timed> timers = new HashMap<>();
    private long nowMs = 1_000_000;
    private int replayCheckEvery = 1;
    private long steps;
    private long sequence;

    ManualCoordinator(GroupConfig config) {
        this.config = config;
        this.state = new GroupStateMachine(config, topics);
    }

    TopicView.Topic addTopic(String name, int partitions) {
        TopicView.Topic topic = new TopicView.Topic(name, Uuid.randomUuid(), partitions);
        topicsByName.put(name, topic);
        return topic;
    }

    /** Runs one operation as the coordinator thread would, then checks the invariants. */
    void run(Operation operation) {
        operation.run(this);
        checkInvariants();
    }

    <T> T call(java.util.function.Function<OperationContext, T> operation) {
        T result = operation.apply(this);
        checkInvariants();
        return result;
    }

    /** Moves the clock forward, firing due timers in deadline order. */
    void advance(long ms) {
        long target = nowMs + ms;
        while (true) {
            Timed next = null;
            String key = null;
            for (Map.Entry<String, Timed> e : timers.entrySet()) {
                Timed t = e.getValue();
                if (t.deadlineMs() <= target && (next == null || t.deadlineMs() < next.deadlineMs()
                        || (t.deadlineMs() == next.deadlineMs() && t.sequence() < next.sequence()))) {
                    next = t;
                    key = e.getKey();
                }
            }
            if (next == null) {
                break;
            }
            timers.remove(key);
            nowMs = Math.max(nowMs, next.deadlineMs());
            run(next.task());
        }
        nowMs = target;
    }

    /** Replays the whole journal only every {@code steps} steps (the ownership check still runs every step). */
    void replayCheckEvery(int steps) {
        this.replayCheckEvery = steps;
    }

    void checkReplay() {
        GroupStateMachine rebuilt = new GroupStateMachine(config, topics);
        written.forEach(r -> rebuilt.replay(r, nowMs));
        assertThat(RecordCodec.encode(rebuilt.liveRecords()))
                .as("replaying the journal rebuilds the same durable state").isEqualTo(RecordCodec.encode(state.liveRecords()));
    }

    void checkInvariants() {
        if (++steps % replayCheckEvery == 0) {
            checkReplay();
        }
        for (GroupKind group : state.groups()) {
            if (group instanceof ConsumerGroup consumerGroup) {
                Map<String, String> owner = new HashMap<>();
                for (ConsumerMemberState m : consumerGroup.members()) {
                    Consumer<Assignment> claim = a -> a.partitions().forEach((topic, parts) -> parts.forEach(p -> {
                        String previous = owner.put(topic + ":" + p, m.memberId());
                        assertThat(previous).as("partition %s:%d owned by two members", topic, p).isNull();
                    }));
                    claim.accept(m.assigned());
                    claim.accept(m.revoking());
                }
            }
        }
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    @Override
    public void write(CoordinatorRecord record) {
        state.replay(record, nowMs);
        written.add(record);
    }

    @Override
    public <T> void respond(CompletableFuture<T> future, T value) {
        future.complete(value);
    }

    @Override
    public CoordinatorTimer timer() {
        return this;
    }

    @Override
    public void afterFlush(Runnable action) {
        action.run();
    }

    @Override
    public void schedule(String key, long delayMs, Operation task) {
        timers.put(key, new Timed(nowMs + delayMs, sequence++, task));
    }

    @Override
    public void cancel(String key) {
        timers.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }
}
