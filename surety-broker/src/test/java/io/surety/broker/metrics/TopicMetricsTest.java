package io.surety.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;

class TopicMetricsTest {

    private final BrokerMetrics metrics = BrokerMetrics.create();
    private final TopicMetrics topics = metrics.topics();

    @Test
    void shouldAddBytesRecordsAndBatchesWhenBatchesAreAppended() {
        topics.appended("orders", 1000, 10);
        topics.appended("orders", 500, 5);
        topics.appended("audit", 70, 1);

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());

        assertThat(scrape.value("surety_topic_bytes_in_total", "topic", "orders")).hasValue(1500);
        assertThat(scrape.value("surety_topic_records_in_total", "topic", "orders")).hasValue(15);
        assertThat(scrape.value("surety_topic_batches_in_total", "topic", "orders")).hasValue(2);
        assertThat(scrape.value("surety_topic_records_in_total", "topic", "audit")).hasValue(1);
    }

    @Test
    void shouldNameTopicsByIdAndSkipUnknownOnesWhenFetchResponsesAreCounted() {
        Uuid ordersId = Uuid.randomUuid();
        FetchResponseData response = new FetchResponseData();
        response.responses().add(topic("", ordersId, Errors.NONE, 300));
        response.responses().add(topic("", Uuid.randomUuid(), Errors.UNKNOWN_TOPIC_ID, 0));
        response.responses().add(topic("made-up", Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION, 0));

        topics.fetched(response, id -> id.equals(ordersId) ? "orders" : null);
        topics.fetched(new FetchResponseData().setResponses(java.util.List.of(topic("orders", Uuid.ZERO_UUID,
                Errors.NONE, 0))), id -> null);

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());
        assertThat(scrape.value("surety_topic_bytes_out_total", "topic", "orders")).hasValue(300);
        assertThat(scrape.value("surety_topic_fetch_requests_total", "topic", "orders")).hasValue(2);
        assertThat(scrape.find("surety_topic_fetch_requests_total")).hasSize(1);
    }

    private static FetchResponseData.FetchableTopicResponse topic(String name, Uuid id, Errors error, int bytes) {
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse().setTopic(name)
                .setTopicId(id);
        topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(0).setErrorCode(error.code())
                .setRecords(bytes == 0 ? MemoryRecords.EMPTY : MemoryRecords.readableRecords(ByteBuffer.allocate(bytes))));
        return topic;
    }

    @Test
    void shouldDropATopicsSeriesWhenItIsDeleted() {
        topics.appended("gone", 10, 1);
        topics.remove("gone");

        assertThat(PrometheusText.scrape(metrics.registry()).find("surety_topic_bytes_in_total", "topic", "gone"))
                .isEmpty();

        topics.appended("gone", 7, 1);
        assertThat(PrometheusText.scrape(metrics.registry()).value("surety_topic_bytes_in_total", "topic", "gone"))
                .as("a topic created again under the same name starts from zero").hasValue(7);
    }
}
