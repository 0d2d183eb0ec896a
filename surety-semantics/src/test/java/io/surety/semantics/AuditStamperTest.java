package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class AuditStamperTest {

    @Test
    void shouldStampSourceAndNextSequenceWithoutTouchingTheOriginal() {
        AuditStamper stamper = AuditStamper.forSource("billing-1");
        ProducerRecord<String, String> original = new ProducerRecord<>("t", 2, 7L, "k", "v");
        original.headers().add("trace", new byte[] {1});
        ProducerRecord<String, String> first = stamper.stamp(original);
        ProducerRecord<String, String> second = stamper.stamp(original);
        assertThat(original.headers().toArray()).hasSize(1);
        assertThat(text(first, AuditStamper.SOURCE_HEADER)).isEqualTo("billing-1");
        assertThat(text(first, AuditStamper.SEQUENCE_HEADER)).isEqualTo("0");
        assertThat(text(second, AuditStamper.SEQUENCE_HEADER)).isEqualTo("1");
        assertThat(first.headers().lastHeader("trace").value()).containsExactly(1);
        assertThat(List.of(first.topic(), first.partition(), first.timestamp(), first.key(), first.value()))
                .containsExactly("t", 2, 7L, "k", "v");
        assertThat(stamper.nextSequence()).isEqualTo(2);
    }

    @Test
    void shouldReplaceAnEarlierStamp() {
        ProducerRecord<String, String> once = AuditStamper.forSource("a", 41).stamp(new ProducerRecord<>("t", "v"));
        ProducerRecord<String, String> twice = AuditStamper.forSource("b").stamp(once);
        assertThat(twice.headers().headers(AuditStamper.SOURCE_HEADER)).hasSize(1);
        assertThat(twice.headers().headers(AuditStamper.SEQUENCE_HEADER)).hasSize(1);
        assertThat(text(twice, AuditStamper.SOURCE_HEADER)).isEqualTo("b");
        assertThat(text(once, AuditStamper.SEQUENCE_HEADER)).isEqualTo("41");
    }

    @Test
    void shouldRefuseBadSourceIdsAndStarts() {
        assertThatThrownBy(() -> AuditStamper.forSource(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be blank");
        assertThatThrownBy(() -> AuditStamper.forSource(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditStamper.forSource("x".repeat(1025))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditStamper.forSource("x", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldParseOnlyDecimalSequences() {
        assertThat(AuditStamper.parseSequence("9223372036854775807".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Long.MAX_VALUE);
        for (String bad : List.of("", "-1", "1.0", " 1", "9223372036854775808", "0x10")) {
            assertThat(AuditStamper.parseSequence(bad.getBytes(StandardCharsets.US_ASCII))).as(bad).isEqualTo(-1);
        }
        assertThat(AuditStamper.parseSequence(null)).isEqualTo(-1);
    }

    private static String text(ProducerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
