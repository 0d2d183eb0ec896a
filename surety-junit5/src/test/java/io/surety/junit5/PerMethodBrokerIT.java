package io.surety.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.SuretyBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** A fresh broker for every test method: the next test gets another one, and the last one is gone with its data. */
@SuretyTest(lifecycle = SuretyTest.Lifecycle.PER_METHOD, topics = "t")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerMethodBrokerIT {

    private static SuretyBroker first;

    SuretyBroker broker;

    @Test
    @Order(1)
    void shouldStartABrokerForThisTest() throws Exception {
        Records.produce(broker.bootstrapServers(), "t", List.of("x"));
        first = broker;
    }

    @Test
    @Order(2)
    void shouldStartAnotherForTheNext(Admin admin) throws Exception {
        assertThat(broker).isNotSameAs(first);
        Path firstData = first.dataDir();
        assertThat(Files.exists(firstData)).as("the first broker closed with its temporary data").isFalse();
        TopicPartition partition = new TopicPartition("t", 0);
        assertThat(admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset())
                .as("a topic of its own, without the record of the test before").isZero();
    }
}
