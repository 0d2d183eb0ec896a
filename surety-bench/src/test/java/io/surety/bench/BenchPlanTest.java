package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPlanTest {

    private static final List<Row> ROWS = BenchPlan.rows(BenchSettings.quick());

    @Test
    void shouldCompareLikeWithLikeInEverySection() {
        assertThat(ROWS).filteredOn(r -> r.section().equals(BenchPlan.PAGE_CACHE))
                .allMatch(r -> r.base().equals(Contender.KAFKA) && r.candidate().equals(Contender.SURETY_INTERVAL));
        assertThat(ROWS).filteredOn(r -> r.section().equals(BenchPlan.FSYNC))
                .allMatch(r -> r.base().topicConfigs().get("flush.messages").equals("1")
                        && r.candidate().equals(Contender.SURETY_FSYNC));
    }

    @Test
    void shouldCompareLikeWithLikeAndTimeAFailoverWhenReplicated() {
        List<Row> rows = BenchPlan.replicatedRows(BenchSettings.quick());
        assertThat(rows).filteredOn(r -> r.section().equals(BenchPlan.PAGE_CACHE))
                .allMatch(r -> r.base().equals(Contender.KAFKA) && r.candidate().equals(Contender.SURETY_INTERVAL))
                .extracting(r -> r.workload().name())
                .contains(BenchPlan.ACKS_1, BenchPlan.ACKS_ALL, BenchPlan.CONSUME, BenchPlan.END_TO_END, BenchPlan.FAILOVER);
        assertThat(rows).filteredOn(r -> r.section().equals(BenchPlan.FSYNC))
                .allMatch(r -> r.base().equals(Contender.KAFKA_FLUSH_EVERY_MESSAGE) && r.candidate().equals(Contender.SURETY_FSYNC));
        assertThat(BenchPlan.replicatedWarmUps(BenchSettings.full()))
                .filteredOn(w -> w.kind() != Workload.Kind.END_TO_END).allMatch(w -> w.records() >= 1_000_000);
    }

    @Test
    void shouldKeepOnlyMatchingRowsAndTheirBrokersWhenFiltered() {
        List<Row> rows = BenchPlan.only(ROWS, List.of("consumer group*", "produce acks=1"));
        assertThat(rows).extracting(r -> r.workload().name()).containsExactly(BenchPlan.ACKS_1, BenchPlan.GROUP_CONSUME);
        assertThat(BenchPlan.brokersOf(rows)).containsExactly(Contender.KAFKA_BROKER, Contender.SURETY_INTERVAL_BROKER);
        assertThat(BenchPlan.only(ROWS, List.of())).isEqualTo(ROWS);
    }

    @Test
    void shouldWarmUpWithAtLeastTheWarmUpRecordsForEachKindOfRecordWork() {
        BenchSettings full = BenchSettings.full();
        assertThat(BenchPlan.warmUps(full)).filteredOn(w -> w.kind() != Workload.Kind.SMALL_TRANSACTIONS
                        && w.kind() != Workload.Kind.END_TO_END && w.partitions() < 1000)
                .allMatch(w -> w.records() >= 1_000_000);
    }

    @Test
    void shouldPutTheEarlierBuildUnderTheSamePolicyAsTheBaseWhenMeasuringAgainstABaseline() {
        List<Row> rows = BenchPlan.againstBaseline(ROWS, "Surety abc1234");
        assertThat(rows).hasSameSizeAs(ROWS);
        assertThat(rows).filteredOn(r -> r.section().equals(BenchPlan.PAGE_CACHE))
                .allMatch(r -> r.base().name().equals("Surety abc1234 interval") && r.candidate().equals(Contender.SURETY_INTERVAL));
        assertThat(rows).filteredOn(r -> r.section().equals(BenchPlan.FSYNC))
                .allMatch(r -> r.base().name().equals("Surety abc1234 fsync") && r.candidate().equals(Contender.SURETY_FSYNC));
        assertThat(BenchPlan.brokersOf(rows)).containsExactlyInAnyOrder("Surety abc1234 interval", "Surety interval",
                "Surety abc1234 fsync", "Surety fsync");
    }

    @Test
    void shouldReadEnoughRecordsToResolveTheBrokersCpuWhenRunQuick() {
        assertThat(ROWS).filteredOn(r -> r.workload().readsFilledTopic())
                .isNotEmpty()
                .allMatch(r -> r.workload().records() >= BenchPlan.MIN_READ_RECORDS);
    }
}
