package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One test per finding the check makes; each names the setting, the severity and the words. */
class ConfigCheckTest {

    static Map<String, Object> producer(Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        map.put("bootstrap.servers", "localhost:9092");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static Map<String, Object> consumer(Object... keysAndValues) {
        Map<String, Object> map = producer(keysAndValues);
        map.putIfAbsent("group.id", "app");
        return map;
    }

    static Finding only(List<Finding> findings, Side side, String setting) {
        List<Finding> matching = findings.stream().filter(f -> f.side() == side && f.setting().equals(setting)).toList();
        assertThat(matching).as("findings for %s %s in %s", side, setting, findings).hasSize(1);
        return matching.get(0);
    }

    static boolean none(List<Finding> findings, String setting) {
        return findings.stream().noneMatch(f -> f.setting().equals(setting));
    }

    // --- producer: acks -------------------------------------------------------------------

    @Test
    void shouldBreakAtLeastOnceWhenAcksIsOne() {
        Finding f = only(ConfigCheck.checkProducer(producer("acks", "1"), Guarantee.AT_LEAST_ONCE), Side.PRODUCER, "acks");
        assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        assertThat(f.value()).isEqualTo("1");
        assertThat(f.problem()).contains("only the partition leader").contains("acknowledged record is lost");
        assertThat(f.fix()).contains("acks=all");
    }

    @Test
    void shouldBreakAtLeastOnceWhenAcksIsZero() {
        List<Finding> findings = ConfigCheck.checkProducer(producer("acks", "0"), Guarantee.AT_LEAST_ONCE);
        Finding f = only(findings, Side.PRODUCER, "acks");
        assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        assertThat(f.problem()).contains("does not wait for the broker");
    }

    @Test
    void shouldBreakExactlyOnceWhenAcksIsOne() {
        List<Finding> findings = ConfigCheck.checkProducer(producer("acks", "1", "transactional.id", "t"),
                Guarantee.EXACTLY_ONCE);
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.setting()).isEqualTo("acks");
            assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        });
        // acks=1 also turns idempotence off, and transactions need it: the producer refuses to start.
        assertThat(only(findings, Side.PRODUCER, "transactional.id").severity()).isEqualTo(Severity.REFUSED);
    }

    // --- producer: retries ----------------------------------------------------------------

    @Test
    void shouldBreakAtLeastOnceWhenRetriesIsZeroWithAcksAll() {
        Finding f = only(ConfigCheck.checkProducer(producer("acks", "all", "retries", "0"), Guarantee.AT_LEAST_ONCE),
                Side.PRODUCER, "retries");
        assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        assertThat(f.problem()).contains("retries=0").contains("lost");
    }

    @Test
    void shouldRefuseRetriesZeroWhenIdempotenceIsExplicit() {
        List<Finding> findings = ConfigCheck.checkProducer(producer("retries", "0", "enable.idempotence", "true"),
                Guarantee.AT_LEAST_ONCE);
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.setting()).isEqualTo("retries");
            assertThat(f.severity()).isEqualTo(Severity.REFUSED);
        });
    }

    // --- producer: acks=0 with idempotence ------------------------------------------------

    @Test
    void shouldRefuseAcksZeroWithExplicitIdempotence() {
        for (Guarantee wanted : Guarantee.values()) {
            List<Finding> findings = ConfigCheck.checkProducer(producer("acks", "0", "enable.idempotence", "true"), wanted);
            assertThat(findings).as(wanted.label()).anySatisfy(f -> {
                assertThat(f.setting()).isEqualTo("acks");
                assertThat(f.severity()).isEqualTo(Severity.REFUSED);
                assertThat(f.problem()).contains("needs acks=all").contains("refuses to start");
            });
        }
    }

    @Test
    void shouldNotComplainWhenAcksZeroTurnsDefaultIdempotenceOff() {
        List<Finding> findings = ConfigCheck.checkProducer(producer("acks", "0", "retries", "0"), Guarantee.AT_MOST_ONCE);
        assertThat(findings).isEmpty();
    }

    // --- producer: in flight --------------------------------------------------------------

    @Test
    void shouldRefuseMoreThanFiveInFlightWithExplicitIdempotence() {
        Finding f = only(ConfigCheck.checkProducer(
                producer("enable.idempotence", "true", "max.in.flight.requests.per.connection", "6"),
                Guarantee.AT_LEAST_ONCE), Side.PRODUCER, "max.in.flight.requests.per.connection");
        assertThat(f.severity()).isEqualTo(Severity.REFUSED);
        assertThat(f.problem()).contains("at most 5");
    }

    @Test
    void shouldFlagMoreThanFiveInFlightWithDefaultIdempotenceByClientVersion() {
        Finding f = only(ConfigCheck.checkProducer(producer("max.in.flight.requests.per.connection", "1000",
                "acks", "0", "retries", "0"), Guarantee.AT_MOST_ONCE), Side.PRODUCER, "max.in.flight.requests.per.connection");
        // kafka-clients 4.x refuses; 3.x silently turned idempotence off.
        Severity expected = ClientVersion.inUse().major() >= 4 ? Severity.REFUSED : Severity.WARNING;
        assertThat(f.severity()).isEqualTo(expected);
        assertThat(f.fix()).contains("enable.idempotence=false");
    }

    @Test
    void shouldAcceptManyInFlightWhenIdempotenceIsExplicitlyOffForAtMostOnce() {
        List<Finding> findings = ConfigCheck.checkProducer(producer("acks", "0", "retries", "0", "enable.idempotence",
                "false", "max.in.flight.requests.per.connection", "1000", "linger.ms", "5"), Guarantee.AT_MOST_ONCE);
        assertThat(findings).isEmpty();
    }

    @Test
    void shouldWarnOfReorderingWithRetriesInFlightAndNoIdempotence() {
        Finding f = only(ConfigCheck.checkProducer(producer("enable.idempotence", "false",
                "max.in.flight.requests.per.connection", "3"), Guarantee.AT_LEAST_ONCE),
                Side.PRODUCER, "max.in.flight.requests.per.connection");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.problem()).contains("change order");
        assertThat(ConfigCheck.gives(ConfigCheck.checkProducer(producer("enable.idempotence", "false",
                "max.in.flight.requests.per.connection", "3"), Guarantee.AT_LEAST_ONCE))).isTrue();
    }

    // --- producer: delivery timeout -------------------------------------------------------

    @Test
    void shouldRefuseDeliveryTimeoutBelowLingerPlusRequestTimeout() {
        Finding f = only(ConfigCheck.checkProducer(producer("delivery.timeout.ms", "30000", "linger.ms", "100",
                "request.timeout.ms", "30000"), Guarantee.AT_LEAST_ONCE), Side.PRODUCER, "delivery.timeout.ms");
        assertThat(f.severity()).isEqualTo(Severity.REFUSED);
        assertThat(f.problem()).contains("30100");
        assertThat(f.fix()).contains("at least 30100");
    }

    @Test
    void shouldWarnWhenDefaultDeliveryTimeoutIsSilentlyRaised() {
        Finding f = only(ConfigCheck.checkProducer(producer("request.timeout.ms", "200000"), Guarantee.AT_LEAST_ONCE),
                Side.PRODUCER, "delivery.timeout.ms");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.value()).isEqualTo("120000 (client default)");
        assertThat(f.problem()).contains("silently raises");
    }

    // --- producer: transactions -----------------------------------------------------------

    @Test
    void shouldBreakExactlyOnceWithoutTransactionalId() {
        Finding f = only(ConfigCheck.checkProducer(producer(), Guarantee.EXACTLY_ONCE), Side.PRODUCER, "transactional.id");
        assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        assertThat(f.value()).isEqualTo("(not set)");
        assertThat(f.problem()).contains("cannot run transactions");
    }

    @Test
    void shouldRefuseTransactionalIdWithIdempotenceOff() {
        Finding f = only(ConfigCheck.checkProducer(producer("transactional.id", "t", "enable.idempotence", "false"),
                Guarantee.EXACTLY_ONCE), Side.PRODUCER, "transactional.id");
        assertThat(f.severity()).isEqualTo(Severity.REFUSED);
    }

    @Test
    void shouldBreakExactlyOnceWhenIdempotenceIsOffAndNoTransactionalId() {
        List<Finding> findings = ConfigCheck.checkProducer(producer("enable.idempotence", "false"), Guarantee.EXACTLY_ONCE);
        assertThat(only(findings, Side.PRODUCER, "enable.idempotence").severity()).isEqualTo(Severity.BREAKS);
    }

    // --- producer: at-most-once -----------------------------------------------------------

    @Test
    void shouldBreakAtMostOnceWhenRetriesCanDuplicate() {
        Finding f = only(ConfigCheck.checkProducer(producer("acks", "1", "enable.idempotence", "false"),
                Guarantee.AT_MOST_ONCE), Side.PRODUCER, "retries");
        assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        assertThat(f.value()).isEqualTo("2147483647 (client default)");
        assertThat(f.problem()).contains("stored twice");
    }

    @Test
    void shouldWarnAtMostOnceWhenIdempotenceIsOn() {
        Finding f = only(ConfigCheck.checkProducer(producer(), Guarantee.AT_MOST_ONCE), Side.PRODUCER, "enable.idempotence");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.value()).isEqualTo("true (client default)");
        assertThat(f.problem()).contains("at-least-once delivery");
    }

    // --- names and values -----------------------------------------------------------------

    @Test
    void shouldSuggestClosestNameForTypo() {
        Finding f = only(ConfigCheck.checkProducer(producer("enable.idempotency", "true"), Guarantee.AT_LEAST_ONCE),
                Side.PRODUCER, "enable.idempotency");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.problem()).contains("not a producer setting").contains("ignores it");
        assertThat(f.fix()).contains("Did you mean enable.idempotence?");
    }

    @Test
    void shouldSuggestCurrentNameForWordsInAnotherOrder() {
        Finding f = only(ConfigCheck.checkConsumer(consumer("auto.commit.enable", "false", "enable.auto.commit", "false",
                "auto.offset.reset", "earliest"), Guarantee.AT_LEAST_ONCE), Side.CONSUMER, "auto.commit.enable");
        assertThat(f.fix()).contains("Did you mean enable.auto.commit?");
    }

    @Test
    void shouldNameTheOtherSideForSettingOnTheWrongClient() {
        Finding f = only(ConfigCheck.checkConsumer(consumer("acks", "all", "enable.auto.commit", "false"),
                Guarantee.AT_MOST_ONCE), Side.CONSUMER, "acks");
        assertThat(f.problem()).contains("is a producer setting");
    }

    @Test
    void shouldNotSuggestWhenNothingIsClose() {
        Finding f = only(ConfigCheck.checkProducer(producer("schema.registry.url", "http://r:8081"),
                Guarantee.AT_LEAST_ONCE), Side.PRODUCER, "schema.registry.url");
        assertThat(f.fix()).doesNotContain("Did you mean");
        assertThat(f.problem()).contains("plug-in");
    }

    @Test
    void shouldRefuseValueTheClientRejects() {
        Finding f = only(ConfigCheck.checkProducer(producer("acks", "2"), Guarantee.AT_LEAST_ONCE), Side.PRODUCER, "acks");
        assertThat(f.severity()).isEqualTo(Severity.REFUSED);
        assertThat(f.problem()).contains("Invalid value 2");
    }

    @Test
    void shouldRefuseMissingOrMalformedBootstrapServers() {
        Map<String, Object> missing = producer();
        missing.remove("bootstrap.servers");
        assertThat(only(ConfigCheck.checkProducer(missing, Guarantee.AT_LEAST_ONCE), Side.PRODUCER, "bootstrap.servers")
                .severity()).isEqualTo(Severity.REFUSED);
        for (String bad : List.of("localhost", "localhost:0", "localhost:99999", "http://h:9092", ":9092", "::1:9092")) {
            Finding f = only(ConfigCheck.checkProducer(producer("bootstrap.servers", bad), Guarantee.AT_LEAST_ONCE),
                    Side.PRODUCER, "bootstrap.servers");
            assertThat(f.severity()).as(bad).isEqualTo(Severity.REFUSED);
        }
        assertThat(ConfigCheck.checkProducer(producer("bootstrap.servers", "a:1, [::1]:9092,b.example:65535"),
                Guarantee.AT_LEAST_ONCE)).isEmpty();
    }

    // --- consumer -------------------------------------------------------------------------

    @Test
    void shouldBreakEveryGuaranteeWithAutoCommitAndExplainTheTiming() {
        for (Guarantee wanted : Guarantee.values()) {
            Finding f = only(ConfigCheck.checkConsumer(consumer("auto.offset.reset", "earliest",
                    "isolation.level", "read_committed"), wanted), Side.CONSUMER, "enable.auto.commit");
            assertThat(f.severity()).as(wanted.label()).isEqualTo(Severity.BREAKS);
            assertThat(f.value()).isEqualTo("true (client default)");
            assertThat(f.problem()).contains("auto.commit.interval.ms").contains("whether or not");
        }
        assertThat(only(ConfigCheck.checkConsumer(consumer(), Guarantee.AT_MOST_ONCE), Side.CONSUMER,
                "enable.auto.commit").problem()).contains("processed twice");
        assertThat(only(ConfigCheck.checkConsumer(consumer(), Guarantee.AT_LEAST_ONCE), Side.CONSUMER,
                "enable.auto.commit").problem()).contains("skips");
        assertThat(only(ConfigCheck.checkConsumer(consumer(), Guarantee.EXACTLY_ONCE), Side.CONSUMER,
                "enable.auto.commit").problem()).contains("sendOffsetsToTransaction");
    }

    @Test
    void shouldBreakAtLeastOnceWhenOffsetResetIsLatest() {
        Finding f = only(ConfigCheck.checkConsumer(consumer("enable.auto.commit", "false"), Guarantee.AT_LEAST_ONCE),
                Side.CONSUMER, "auto.offset.reset");
        assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        assertThat(f.value()).isEqualTo("latest (client default)");
        assertThat(f.problem()).contains("skipped");
        assertThat(none(ConfigCheck.checkConsumer(consumer("enable.auto.commit", "false"), Guarantee.AT_MOST_ONCE),
                "auto.offset.reset")).isTrue();
    }

    @Test
    void shouldBreakExactlyOnceWhenReadingUncommitted() {
        Finding f = only(ConfigCheck.checkConsumer(consumer("enable.auto.commit", "false", "auto.offset.reset", "earliest"),
                Guarantee.EXACTLY_ONCE), Side.CONSUMER, "isolation.level");
        assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        assertThat(f.problem()).contains("aborted");
    }

    @Test
    void shouldBreakEveryGuaranteeWithoutGroupId() {
        Map<String, Object> settings = consumer("enable.auto.commit", "false", "auto.offset.reset", "earliest");
        settings.remove("group.id");
        Finding f = only(ConfigCheck.checkConsumer(settings, Guarantee.AT_LEAST_ONCE), Side.CONSUMER, "group.id");
        assertThat(f.severity()).isEqualTo(Severity.BREAKS);
        assertThat(f.problem()).contains("cannot commit offsets");
        settings.put("group.id", " ");
        assertThat(only(ConfigCheck.checkConsumer(settings, Guarantee.AT_MOST_ONCE), Side.CONSUMER, "group.id")
                .severity()).isEqualTo(Severity.BREAKS);
    }

    // --- presets pass their own check -----------------------------------------------------

    @Test
    void shouldGiveEachPresetItsOwnGuarantee() {
        for (Guarantee g : Guarantee.values()) {
            Map<String, Object> p = new HashMap<>(g.producerPreset());
            p.put("bootstrap.servers", "localhost:9092");
            if (g == Guarantee.EXACTLY_ONCE) {
                p.put("transactional.id", "app-0");
            }
            Map<String, Object> c = new HashMap<>(g.consumerPreset());
            c.put("bootstrap.servers", "localhost:9092");
            c.put("group.id", "app");
            assertThat(ConfigCheck.check(p, c, g)).as(g.label()).isEmpty();
            assertThat(ConfigCheck.guaranteeOf(p, c).strongest()).as(g.label()).contains(g);
        }
    }

    // --- the reverse question -------------------------------------------------------------

    @Test
    void shouldTellWhichGuaranteeClientDefaultsGive() {
        Assessment assessment = ConfigCheck.guaranteeOf(producer(), consumer());
        assertThat(assessment.strongest()).isEmpty();
        assertThat(assessment.reasons().get(0)).contains("none of the three");
        assertThat(assessment.reasons()).anySatisfy(r -> assertThat(r).startsWith("Not at-least-once")
                .contains("consumer enable.auto.commit = true (client default)")
                .contains("consumer auto.offset.reset = latest (client default)"));
    }

    @Test
    void shouldTellAtLeastOnceAndNameWhatBlocksExactlyOnce() {
        Assessment assessment = ConfigCheck.guaranteeOf(producer(),
                consumer("enable.auto.commit", "false", "auto.offset.reset", "earliest"));
        assertThat(assessment.strongest()).contains(Guarantee.AT_LEAST_ONCE);
        assertThat(assessment.gives(Guarantee.AT_MOST_ONCE)).isTrue();
        assertThat(assessment.reasons()).anySatisfy(r -> assertThat(r).startsWith("Not exactly-once")
                .contains("producer transactional.id = (not set)")
                .contains("consumer isolation.level = read_uncommitted (client default)"));
        assertThat(assessment.reasons()).anySatisfy(r -> assertThat(r).contains("the code decides"));
    }

    @Test
    void shouldTellAtMostOnceForFireAndForget() {
        Assessment assessment = ConfigCheck.guaranteeOf(producer("acks", "0", "retries", "0"),
                consumer("enable.auto.commit", "false"));
        assertThat(assessment.strongest()).contains(Guarantee.AT_MOST_ONCE);
        assertThat(assessment.reasons()).anySatisfy(r -> assertThat(r).startsWith("Not at-least-once")
                .contains("producer acks = 0"));
    }
}
