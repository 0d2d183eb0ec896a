package io.surety.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestHeaderDecoderTest {

    private static final byte[] STREAM = ResponseFrameFilterTest.concat(
        FrameClient.requestFrame((short) 0, 41, new byte[] {1, 2, 3, 4, 5}),
        FrameClient.requestFrame((short) 18, 42, new byte[0]),
        FrameClient.requestFrame((short) 3, 43, new byte[300]));

    @Test
    void shouldReportEveryRequestAndForwardEveryByteWhenSplitAtEveryByte() {
        for (int split = 0; split <= STREAM.length; split++) {
            List<String> seen = new ArrayList<>();
            RequestHeaderDecoder decoder = new RequestHeaderDecoder((apiKey, apiVersion, correlationId) -> seen.add(apiKey + "/" + correlationId));
            ByteArrayOutputStream kept = new ByteArrayOutputStream();

            assertThat(decoder.filter(STREAM, 0, split, kept)).isFalse();
            assertThat(decoder.filter(STREAM, split, STREAM.length - split, kept)).isFalse();

            assertThat(seen).as("split at %d", split).containsExactly("0/41", "18/42", "3/43");
            assertThat(kept.toByteArray()).isEqualTo(STREAM);
        }
    }

    @Test
    void shouldReportRequestsWhenFedOneByteAtATime() {
        List<Integer> seen = new ArrayList<>();
        RequestHeaderDecoder decoder = new RequestHeaderDecoder((apiKey, apiVersion, correlationId) -> seen.add(correlationId));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();

        for (int i = 0; i < STREAM.length; i++) {
            decoder.filter(STREAM, i, 1, kept);
        }

        assertThat(seen).containsExactly(41, 42, 43);
        assertThat(kept.toByteArray()).isEqualTo(STREAM);
    }

    @Test
    void shouldStopDecodingButKeepForwardingWhenStreamIsNotKafka() {
        byte[] notKafka = ResponseFrameFilterTest.concat(
            "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII),
            FrameClient.requestFrame((short) 0, 1, new byte[0]));
        List<Integer> seen = new ArrayList<>();
        RequestHeaderDecoder decoder = new RequestHeaderDecoder((apiKey, apiVersion, correlationId) -> seen.add(correlationId));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();

        decoder.filter(notKafka, 0, notKafka.length, kept);

        assertThat(seen).isEmpty();
        assertThat(kept.toByteArray()).isEqualTo(notKafka);
    }
}
