package io.surety.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    private final BrokerMetrics metrics = BrokerMetrics.create();

    @Test
    void shouldShowServedApisAtZeroWhenNoRequestCameYet() {
        metrics.requests().serve(List.of(ApiKeys.PRODUCE, ApiKeys.FETCH));

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());

        assertThat(scrape.value("surety_requests_total", "api", "Produce")).hasValue(0);
        assertThat(scrape.value("surety_requests_total", "api", "Fetch")).hasValue(0);
        assertThat(scrape.value("surety_request_latency_seconds_count", "api", "Fetch")).hasValue(0);
        assertThat(scrape.find("surety_request_errors_total")).isEmpty();
    }

    @Test
    void shouldCountRequestsLatencyAndErrorsByCodeWhenResponsesCarryErrors() {
        RequestMetrics requests = metrics.requests();
        requests.answered(ApiKeys.HEARTBEAT, (short) 4, new HeartbeatResponseData(), 2_000_000);
        Errors first = requests.answered(ApiKeys.HEARTBEAT, (short) 4,
                new HeartbeatResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()), 4_000_000);

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());

        assertThat(first).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(scrape.value("surety_requests_total", "api", "Heartbeat")).hasValue(2);
        assertThat(scrape.value("surety_request_errors_total", "api", "Heartbeat", "error", "REBALANCE_IN_PROGRESS"))
                .hasValue(1);
        assertThat(scrape.value("surety_request_latency_seconds_count", "api", "Heartbeat")).hasValue(2);
        assertThat(scrape.value("surety_request_latency_seconds_sum", "api", "Heartbeat").getAsDouble())
                .isCloseTo(0.006, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(scrape.value("surety_request_latency_seconds_bucket", "api", "Heartbeat", "le", "0.0025"))
                .hasValue(1);
        assertThat(scrape.value("surety_request_latency_seconds_bucket", "api", "Heartbeat", "le", "0.005"))
                .hasValue(2);
    }

    @Test
    void shouldCountANetworkExceptionWhenTheConnectionIsClosedInsteadOfAnswered() {
        metrics.requests().closed(ApiKeys.PRODUCE, 1_000);
        metrics.requests().unanswered(ApiKeys.PRODUCE, 1_000);

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());

        assertThat(scrape.value("surety_requests_total", "api", "Produce")).hasValue(2);
        assertThat(scrape.value("surety_request_errors_total", "api", "Produce", "error", "NETWORK_EXCEPTION"))
                .hasValue(1);
    }

    @Test
    void shouldCountEachPartitionErrorWhenAProduceResponseHasSeveral() {
        ProduceResponseData body = new ProduceResponseData();
        ProduceResponseData.TopicProduceResponse topic = new ProduceResponseData.TopicProduceResponse().setName("t");
        for (int p = 0; p < 3; p++) {
            topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(p)
                    .setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()));
        }
        body.responses().add(topic);

        metrics.requests().answered(ApiKeys.PRODUCE, (short) 9, body, 1_000);

        assertThat(PrometheusText.scrape(metrics.registry()).value("surety_request_errors_total", "api", "Produce",
                "error", "KAFKA_STORAGE_ERROR")).hasValue(3);
    }
}
