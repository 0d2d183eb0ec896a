package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AlterConfigs, the original form kafka-clients no longer sends (KafkaJS and older librdkafka
 * do), sent as raw requests at its first and last version and answered as Kafka answers it: the
 * configs given replace a topic's overrides, a null value removes a key, a key given twice takes
 * its last value, validateOnly changes nothing, and a resource named twice, an unknown topic, an
 * invalid value and a broker config each get Kafka's error.
 */
class AlterConfigsIT {

    private static SuretyBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws IOException {
        broker = SuretyBroker.builder().tempDataDir().start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 2})
    void shouldReplaceEveryOverrideOfATopicWhenAlteredTheOriginalWay(short version) throws Exception {
        String topic = "replaced-v" + version;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                "cleanup.policy", "compact", "retention.ms", "1000", "segment.ms", "600000")))).all().get();

        AlterConfigsResponseData response = send(version, false, topicResource(topic,
                config("retention.ms", "2000"), config("retention.ms", "5000"), config("max.message.bytes", "2000"),
                config("segment.ms", null)));

        assertThat(response.responses()).extracting(AlterConfigsResourceResponse::resourceName,
                AlterConfigsResourceResponse::errorCode).containsExactly(tuple(topic, Errors.NONE.code()));
        Config stored = describe(topic);
        assertThat(stored.get("retention.ms").value()).as("the last value of a key given twice").isEqualTo("5000");
        assertThat(stored.get("max.message.bytes").value()).isEqualTo("2000");
        assertThat(stored.get("cleanup.policy").source()).as("an override not given is removed")
                .isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(stored.get("segment.ms").source()).as("a null value removes the key")
                .isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 2})
    void shouldChangeNothingWhenOnlyValidating(short version) throws Exception {
        String topic = "validated-v" + version;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("retention.ms", "1000"))))
                .all().get();

        AlterConfigsResponseData response = send(version, true, topicResource(topic, config("retention.ms", "5000")));

        assertThat(response.responses()).extracting(AlterConfigsResourceResponse::errorCode)
                .containsExactly(Errors.NONE.code());
        assertThat(describe(topic).get("retention.ms").value()).isEqualTo("1000");
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 2})
    void shouldAnswerEachBadResourceWithKafkasErrorWhenAltered(short version) throws Exception {
        String topic = "refused-v" + version;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        String node = Integer.toString(admin.describeCluster().nodes().get().iterator().next().id());

        AlterConfigsResponseData response = send(version, false,
                topicResource(topic, config("retention.ms", "1")),
                topicResource(topic, config("retention.ms", "2")),
                topicResource("no-such-topic", config("retention.ms", "1")),
                topicResource("refused-invalid-v" + version, config("cleanup.policy", "sometimes")),
                brokerResource(node, config("num.partitions", "4")));

        assertThat(response.responses()).extracting(AlterConfigsResourceResponse::resourceName,
                AlterConfigsResourceResponse::errorCode).containsExactlyInAnyOrder(
                tuple(topic, Errors.INVALID_REQUEST.code()),
                tuple("no-such-topic", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()),
                tuple("refused-invalid-v" + version, Errors.UNKNOWN_TOPIC_OR_PARTITION.code()),
                tuple(node, Errors.INVALID_CONFIG.code()));
        assertThat(response.responses()).filteredOn(r -> r.resourceName().equals(topic))
                .extracting(AlterConfigsResourceResponse::errorMessage).containsExactly("Duplicate resource.");
        assertThat(describe(topic).get("retention.ms").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        assertThat(send(version, false, brokerResource(node)).responses()).as("no broker config to remove")
                .extracting(AlterConfigsResourceResponse::errorCode).containsExactly(Errors.NONE.code());

        admin.createTopics(List.of(new NewTopic("refused-invalid-v" + version, 1, (short) 1))).all().get();
        AlterConfigsResponseData invalid = send(version, false,
                topicResource("refused-invalid-v" + version, config("cleanup.policy", "sometimes")));
        assertThat(invalid.responses()).extracting(AlterConfigsResourceResponse::errorCode)
                .containsExactly(Errors.INVALID_CONFIG.code());
    }

    private static AlterConfigsResponseData send(short version, boolean validateOnly, AlterConfigsResource... resources)
            throws Exception {
        AlterConfigsRequestData request = new AlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource resource : resources) {
            request.resources().mustAdd(resource);
        }
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            return connection.call(ApiKeys.ALTER_CONFIGS, version, request);
        }
    }

    private static AlterConfigsResource topicResource(String topic, AlterableConfig... configs) {
        return resource(ConfigResource.Type.TOPIC, topic, configs);
    }

    private static AlterConfigsResource brokerResource(String node, AlterableConfig... configs) {
        return resource(ConfigResource.Type.BROKER, node, configs);
    }

    private static AlterConfigsResource resource(ConfigResource.Type type, String name, AlterableConfig... configs) {
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type.id()).setResourceName(name);
        for (AlterableConfig config : configs) {
            resource.configs().mustAdd(config);
        }
        return resource;
    }

    private static AlterableConfig config(String name, String value) {
        return new AlterableConfig().setName(name).setValue(value);
    }

    private static Config describe(String topic) throws Exception {
        return admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all().get()
                .values().iterator().next();
    }
}
