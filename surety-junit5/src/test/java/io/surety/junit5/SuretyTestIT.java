package io.surety.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.SuretyBroker;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** One broker for the class, two topics, and everything a test can ask for, with no builder code. */
@SuretyTest(topics = {"orders", "payments"}, partitions = 2, config = "num.partitions=4")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SuretyTestIT {

    /** The broker the first test saw, to show the second gets the same one. */
    private static SuretyBroker firstBroker;

    @BootstrapServers
    String bootstrapServers;
    Admin admin;
    SuretyBroker broker;

    @Test
    @Order(1)
    void shouldStartABrokerWithTheNamedTopicsAndInjectItsHandles() throws Exception {
        assertThat(bootstrapServers).isEqualTo(broker.bootstrapServers()).startsWith("127.0.0.1:");
        Map<String, TopicDescription> topics = admin.describeTopics(Set.of("orders", "payments")).allTopicNames().get();
        assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(2));
        assertThat(broker.config().topics().numPartitions()).as("the config attribute reaches the broker").isEqualTo(4);

        Records.produce(bootstrapServers, "orders", List.of("a", "b"));
        assertThat(Records.read(bootstrapServers, "orders", 2)).containsExactly("a", "b");
        firstBroker = broker;
    }

    @Test
    @Order(2)
    void shouldResolveParametersToTheSameBrokerForTheWholeClass(SuretyBroker parameter, Admin admin2,
            @BootstrapServers String servers) {
        assertThat(parameter).isSameAs(broker).isSameAs(firstBroker);
        assertThat(admin2).isSameAs(admin);
        assertThat(servers).isEqualTo(bootstrapServers);
        assertThat(Records.read(servers, "orders", 2)).as("kept between tests without wiping").containsExactly("a", "b");
    }
}
