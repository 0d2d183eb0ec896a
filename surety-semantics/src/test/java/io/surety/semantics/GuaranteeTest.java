package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class GuaranteeTest {

    private static final Map<String, Object> BOOTSTRAP = Map.of("bootstrap.servers", "localhost:9092");
    private static final Map<String, Object> CONSUMER = Map.of("bootstrap.servers", "localhost:9092", "group.id", "app");

    @Test
    void shouldSetWhatTheSeedsDescribeForAtMostOnce() {
        assertThat(Guarantee.AT_MOST_ONCE.producerPreset()).containsExactly(
                entry("acks", "0"), entry("retries", "0"), entry("enable.idempotence", "false"));
        assertThat(Guarantee.AT_MOST_ONCE.consumerPreset()).containsExactly(
                entry("enable.auto.commit", "false"), entry("auto.offset.reset", "latest"));
    }

    @Test
    void shouldSetWhatTheSeedsDescribeForAtLeastOnce() {
        assertThat(Guarantee.AT_LEAST_ONCE.producerPreset()).containsExactly(
                entry("acks", "all"), entry("retries", "2147483647"), entry("delivery.timeout.ms", "120000"),
                entry("enable.idempotence", "true"), entry("max.in.flight.requests.per.connection", "5"));
        assertThat(Guarantee.AT_LEAST_ONCE.consumerPreset()).containsExactly(
                entry("enable.auto.commit", "false"), entry("auto.offset.reset", "earliest"));
    }

    @Test
    void shouldSetWhatTheSeedsDescribeForExactlyOnce() {
        assertThat(Guarantee.EXACTLY_ONCE.producerPreset()).containsAllEntriesOf(Guarantee.AT_LEAST_ONCE.producerPreset())
                .doesNotContainKey("transactional.id");
        assertThat(Guarantee.EXACTLY_ONCE.consumerPreset()).containsExactly(entry("enable.auto.commit", "false"),
                entry("isolation.level", "read_committed"), entry("auto.offset.reset", "earliest"));
    }

    @Test
    void shouldMergeUserSettingsOverThePresetAndKeepTheirTypes() {
        Properties props = Guarantee.AT_LEAST_ONCE.producerProperties(Map.of("bootstrap.servers", "localhost:9092",
                "key.serializer", StringSerializer.class, "delivery.timeout.ms", 300000, "linger.ms", "20"));
        assertThat(props).containsEntry("acks", "all").containsEntry("delivery.timeout.ms", 300000)
                .containsEntry("key.serializer", StringSerializer.class).containsEntry("linger.ms", "20");
    }

    @Test
    void shouldRejectUserSettingThatContradictsTheGuarantee() {
        assertThatThrownBy(() -> Guarantee.AT_LEAST_ONCE.producerProperties(Map.of("bootstrap.servers", "h:1", "acks", "1")))
                .isInstanceOfSatisfying(GuaranteeConflictException.class, e -> {
                    assertThat(e.findings()).extracting(Finding::setting).contains("acks");
                    assertThat(e.getMessage()).contains("do not give at-least-once").contains("acks = 1");
                });
        assertThatThrownBy(() -> Guarantee.AT_MOST_ONCE.consumerProperties(Map.of("bootstrap.servers", "h:1",
                "group.id", "g", "enable.auto.commit", "true")))
                .isInstanceOf(GuaranteeConflictException.class).hasMessageContaining("enable.auto.commit");
    }

    @Test
    void shouldKeepTheUsersWeakerSettingWhenAllowedAndReportIt() {
        MergedSettings merged = Guarantee.AT_LEAST_ONCE.mergeConsumer(Map.of("bootstrap.servers", "h:1", "group.id", "g",
                "auto.offset.reset", "latest"), OnConflict.ALLOW_WEAKER);
        assertThat(merged.settings()).containsEntry("auto.offset.reset", "latest");
        assertThat(merged.givesGuarantee()).isFalse();
        assertThat(merged.findings()).singleElement().satisfies(f -> {
            assertThat(f.setting()).isEqualTo("auto.offset.reset");
            assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        });
    }

    @Test
    void shouldRefuseSettingsTheClientCannotStartWithEvenWhenWeakerIsAllowed() {
        assertThatThrownBy(() -> Guarantee.AT_MOST_ONCE.mergeProducer(Map.of("bootstrap.servers", "h:1",
                "enable.idempotence", "true"), OnConflict.ALLOW_WEAKER))
                .isInstanceOf(GuaranteeConflictException.class).hasMessageContaining("refuses to start");
        assertThatThrownBy(() -> Guarantee.AT_LEAST_ONCE.mergeProducer(Map.of("bootstrap.servers", "localhost"),
                OnConflict.ALLOW_WEAKER))
                .isInstanceOf(GuaranteeConflictException.class).hasMessageContaining("has no port");
        assertThatThrownBy(() -> Guarantee.AT_LEAST_ONCE.producerProperties(Map.of()))
                .isInstanceOf(GuaranteeConflictException.class).hasMessageContaining("bootstrap.servers");
    }

    @Test
    void shouldRequireTransactionalIdForExactlyOnce() {
        assertThatThrownBy(() -> Guarantee.EXACTLY_ONCE.producerProperties(BOOTSTRAP))
                .isInstanceOf(GuaranteeConflictException.class).hasMessageContaining("transactional.id");
        Properties props = Guarantee.EXACTLY_ONCE.producerProperties(Map.of("bootstrap.servers", "h:1",
                "transactional.id", "orders-copier-0"));
        assertThat(props).containsEntry("transactional.id", "orders-copier-0").containsEntry("enable.idempotence", "true");
    }

    @Test
    void shouldPassItsOwnCheckOnBothSides() {
        for (Guarantee g : Guarantee.values()) {
            Map<String, Object> producer = g == Guarantee.EXACTLY_ONCE
                    ? Map.of("bootstrap.servers", "h:1", "transactional.id", "t") : BOOTSTRAP;
            MergedSettings p = g.mergeProducer(producer, OnConflict.REJECT);
            MergedSettings c = g.mergeConsumer(CONSUMER, OnConflict.REJECT);
            assertThat(p.findings()).as(g.label()).isEmpty();
            assertThat(c.findings()).as(g.label()).isEmpty();
            assertThat(ConfigCheck.guaranteeOf(p.settings(), c.settings()).strongest()).contains(g);
        }
    }

    @Test
    void shouldParseLabelsAndNames() {
        assertThat(Guarantee.parse("at-least-once")).isEqualTo(Guarantee.AT_LEAST_ONCE);
        assertThat(Guarantee.parse("EXACTLY_ONCE")).isEqualTo(Guarantee.EXACTLY_ONCE);
        assertThat(Guarantee.parse(" At-Most-Once ")).isEqualTo(Guarantee.AT_MOST_ONCE);
        assertThatThrownBy(() -> Guarantee.parse("once")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected at-most-once, at-least-once or exactly-once");
    }

    @Test
    void shouldFailFastOnNullSettings() {
        assertThatThrownBy(() -> Guarantee.AT_LEAST_ONCE.producerProperties(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("pass an empty map");
    }
}
