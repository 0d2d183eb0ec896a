package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PerfOutputParserTest {

    @Test
    void shouldReadProducerSummaryWhenLastLineIsTheTotal() {
        PerfResult r = PerfOutputParser.producer("p", "Kafka", List.of(
                "26447 records sent, 5289.4 records/sec (5.17 MB/sec), 2288.5 ms avg latency, 3434.0 ms max latency.",
                "200000 records sent, 14538.053355 records/sec (14.20 MB/sec), 1847.24 ms avg latency, 3831.00 ms max "
                        + "latency, 1394 ms 50th, 3358 ms 95th, 3755 ms 99th, 3822 ms 99.9th."));
        assertThat(r.ok()).isTrue();
        assertThat(r.records()).isEqualTo(200_000);
        assertThat(r.recordsPerSec()).isEqualTo(14538.053355);
        assertThat(r.mbPerSec()).isEqualTo(14.20);
        assertThat(r.p50Ms()).isEqualTo(1394);
        assertThat(r.p99Ms()).isEqualTo(3755);
        assertThat(r.p999Ms()).isEqualTo(3822);
    }

    @Test
    void shouldReportFailureWhenProducerPrintedNoSummary() {
        PerfResult r = PerfOutputParser.producer("p", "Kafka", List.of("org.apache.kafka.common.errors.TimeoutException"));
        assertThat(r.ok()).isFalse();
    }

    @Test
    void shouldReadConsumerFetchRatesByNameWhenHeaderPrecedesValues() {
        PerfResult r = PerfOutputParser.consumer("c", "Surety", List.of(
                "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, "
                        + "fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
                "2026-11-23 15:00:00:000, 2026-11-23 15:00:10:000, 195.3125, 19.5312, 200000, 20000.0000, 3000, 7000, "
                        + "27.9018, 28571.4286"));
        assertThat(r.records()).isEqualTo(200_000);
        assertThat(r.mbPerSec()).isEqualTo(27.9018);
        assertThat(r.recordsPerSec()).isEqualTo(28571.4286);
    }

    @Test
    void shouldReadEndToEndPercentilesWhenPresent() {
        PerfResult r = PerfOutputParser.endToEnd("e", "Kafka", 1000, List.of("Avg latency: 2.1 ms",
                "Percentiles: 50th = 2, 99th = 7, 99.9th = 15"));
        assertThat(r.p50Ms()).isEqualTo(2);
        assertThat(r.p99Ms()).isEqualTo(7);
        assertThat(r.p999Ms()).isEqualTo(15);
    }

    @Test
    void shouldReportFailureWhenConsumerHeaderIsFollowedByAnError() {
        PerfResult r = PerfOutputParser.consumer("c", "Surety", List.of(
                "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec",
                "org.apache.kafka.common.errors.UnsupportedVersionException: The node does not support FIND_COORDINATOR"));
        assertThat(r.ok()).isFalse();
    }

    @Test
    void shouldReadCommitLatencyIntoLatencyColumnsWhenParsingSmallTransactions() {
        PerfResult r = PerfOutputParser.smallTransactions("t", "Kafka", List.of("some log line",
                "SMALL-TXN transactions=300 records=3000 seconds=1.500 records_per_sec=2000.0 mb_per_sec=1.953 "
                        + "commit_p50_ms=2.10 commit_p99_ms=9.50 commit_p999_ms=12.00"));
        assertThat(r.ok()).isTrue();
        assertThat(r.records()).isEqualTo(3000);
        assertThat(r.recordsPerSec()).isEqualTo(2000.0);
        assertThat(r.p50Ms()).isEqualTo(2.10);
        assertThat(r.p99Ms()).isEqualTo(9.50);
        assertThat(r.p999Ms()).isEqualTo(12.00);
    }

    @Test
    void shouldReadRecordsReadOnceWhenParsingGroupConsume() {
        PerfResult r = PerfOutputParser.groupConsume("g", "Kafka", List.of(
                "GROUP-CONSUME members=3 records=100000 received=100200 seconds=2.000 records_per_sec=50000.0 mb_per_sec=48.828"));
        assertThat(r.records()).isEqualTo(100_000);
        assertThat(r.recordsPerSec()).isEqualTo(50_000.0);
        assertThat(PerfOutputParser.groupConsume("g", "Kafka",
                List.of("GROUP-CONSUME failed: read 5 of 10 records within 100 ms")).ok()).isFalse();
    }
}
