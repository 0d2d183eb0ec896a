package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

/**
 * docs/compatibility.md says what the broker serves: each row of {@link ServedVersions} appears there
 * with its numbers, and every other API of Kafka's broker listener is listed as not served. A
 * change to the table, or a kafka-clients bump that brings a new API, fails here until the page
 * says so too.
 */
class CompatibilityDocTest {

    private static final Path DOC = Path.of("..", "docs", "compatibility.md");

    @Test
    void shouldListEveryServedVersionRangeAsTheTableServesIt() throws IOException {
        String doc = Files.readString(DOC);
        for (ServedVersions.Range range : Stream.concat(ServedVersions.all().stream(),
                ServedVersions.clusterOnly().stream()).toList()) {
            ApiKeys api = range.api();
            String row = "| `" + api.name + "` | " + api.id + " | " + range.advertisedMin() + " | " + range.min() + "–"
                    + range.max() + " | " + range.reviewedLatest() + " |";
            assertThat(doc).as("docs/compatibility.md row of %s", api).contains(row);
        }
    }

    @Test
    void shouldNameEveryOtherApiOfTheBrokerListenerAsNotServed() throws IOException {
        String doc = Files.readString(DOC);
        String notServed = doc.substring(doc.indexOf("## APIs not served"), doc.indexOf("## Where Surety deliberately differs"));
        List<ApiKeys> unserved = ApiKeys.apisForListener(ApiMessageType.ListenerType.BROKER).stream()
                .filter(api -> ServedVersions.of(api).isEmpty()).toList();
        assertThat(unserved).isNotEmpty();
        for (ApiKeys api : unserved) {
            assertThat(notServed).as("%s in the list of APIs not served", api).contains("`" + api.name + "` (" + api.id + ")");
        }
    }
}
