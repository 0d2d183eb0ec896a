package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code connections.max.idle.ms}: a connection on which nothing crossed for that long is closed by
 * the broker, as Kafka closes it; one that keeps talking stays open; and the broker serves new
 * connections afterwards.
 */
class IdleConnectionsIT {

    private static final long IDLE_MS = 1_500;

    @Test
    void shouldCloseAConnectionIdleForConnectionsMaxIdleMsAndKeepABusyOne(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(data)
                .configs(Map.of("connections.max.idle.ms", Long.toString(IDLE_MS))).start();
             RawKafkaConnection idle = RawKafkaConnection.open(broker.port());
             RawKafkaConnection busy = RawKafkaConnection.open(broker.port())) {
            apiVersions(idle);
            long idleSinceNs = System.nanoTime();
            // The busy connection talks every IDLE_MS / 10 for three idle periods: never idle long enough.
            for (int i = 0; i < 30; i++) {
                apiVersions(busy);
                Thread.sleep(IDLE_MS / 10);
            }
            idle.awaitClosedByBroker(Duration.ofSeconds(10));
            assertThat(Duration.ofNanos(System.nanoTime() - idleSinceNs)).as("closed after being idle")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(IDLE_MS));
            apiVersions(busy);
            try (RawKafkaConnection fresh = RawKafkaConnection.open(broker.port())) {
                apiVersions(fresh);
            }
        }
    }

    private static void apiVersions(RawKafkaConnection connection) throws Exception {
        ApiVersionsResponseData answer = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                new ApiVersionsRequestData().setClientSoftwareName("idle-test").setClientSoftwareVersion("1"));
        assertThat(answer.errorCode()).isZero();
    }
}
