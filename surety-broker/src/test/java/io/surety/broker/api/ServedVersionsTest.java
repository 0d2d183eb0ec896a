package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@link ServedVersions} honest against the kafka-clients version on the classpath: a
 * kafka-clients bump that moves any served API's newest or oldest version fails here, naming the
 * rows to review, instead of silently changing what the broker claims to serve.
 */
class ServedVersionsTest {

    @Test
    void shouldRecordKafkaClientsNewestVersionWhenAnApiIsServed() {
        List<String> toReview = new ArrayList<>();
        for (ServedVersions.Range range : ServedVersions.all()) {
            short latest = range.api().latestVersion();
            if (range.reviewedLatest() != latest) {
                toReview.add(String.format("%s: kafka-clients now offers v%d, the row was reviewed against v%d and "
                        + "serves up to v%d", range.api(), latest, range.reviewedLatest(), range.max()));
            }
        }
        assertThat(toReview).as("kafka-clients changed its newest versions. For each API below, review whether its "
                + "handler handles the new versions (read the KIP and the request/response schema): raise 'served "
                + "to' if it does, and set 'kafka-clients newest (reviewed)' to the new version either way, in "
                + "io.surety.broker.api.ServedVersions").isEmpty();
    }

    @Test
    void shouldServeOnlyVersionsKafkaClientsCanParseWhenAnApiIsServed() {
        List<String> toReview = new ArrayList<>();
        for (ServedVersions.Range range : ServedVersions.all()) {
            ApiKeys api = range.api();
            if (range.min() < api.oldestVersion() || range.max() > api.latestVersion()) {
                toReview.add(String.format("%s: served v%d-v%d, kafka-clients parses v%d-v%d", api, range.min(),
                        range.max(), api.oldestVersion(), api.latestVersion()));
            }
        }
        assertThat(toReview).as("ServedVersions serves versions kafka-clients no longer parses (a bump dropped "
                + "them): raise 'served from' to kafka-clients' oldest, and check that clients still find a "
                + "common version (Apache Kafka's own broker dropped them at the same release)").isEmpty();
    }

    @Test
    void shouldAdvertiseBelowTheServedRangeOnlyForProduceAsKafkaDoes() {
        for (ServedVersions.Range range : ServedVersions.all()) {
            if (range.api() == ApiKeys.PRODUCE) {
                assertThat(range.advertisedMin()).isEqualTo(ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION);
                assertThat(range.min()).isEqualTo((short) 3);
            } else {
                assertThat(range.advertisedMin()).as("%s", range.api()).isEqualTo(range.min());
            }
        }
    }

    @Test
    void shouldServeExactlyTheVersionsInARowWhenAskedAboutAnyVersion() {
        for (ServedVersions.Range range : ServedVersions.all()) {
            for (short version = -1; version <= range.reviewedLatest() + 1; version++) {
                boolean inRange = version >= range.min() && version <= range.max();
                assertThat(ServedVersions.serves(range.api(), version)).as("%s v%d", range.api(), version)
                        .isEqualTo(inRange);
            }
        }
        assertThat(ServedVersions.serves(ApiKeys.ALTER_REPLICA_LOG_DIRS, (short) 0)).isFalse();
        assertThat(ServedVersions.of(ApiKeys.ALTER_REPLICA_LOG_DIRS)).isEmpty();
    }

    @Test
    void shouldRefuseARowWhenItsColumnsAreOutOfOrder() {
        assertThatThrownBy(() -> new ServedVersions.Range(ApiKeys.END_TXN, (short) 0, (short) 0, (short) 5, (short) 4))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServedVersions.Range(ApiKeys.PRODUCE, (short) 3, (short) 0, (short) 13, (short) 13))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
