package io.surety.broker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** In-process brokers for integration tests. Stateless. */
final class TestBrokers {

    private TestBrokers() {
    }

    /**
     * Starts a broker in {@code dataDir} on which {@code topics} exist with {@code partitions}
     * partitions each, even though {@code config} may turn auto-creation off: the topics are
     * auto-created by a first broker on the same directory, which is then stopped.
     */
    static SuretyBroker startWithTopics(Path dataDir, int partitions, List<String> topics, Map<String, String> config)
            throws IOException {
        try (SuretyBroker creator = SuretyBroker.builder().dataDir(dataDir)
                .config("auto.create.topics.enable", "true")
                .config("num.partitions", Integer.toString(partitions)).start();
                RawKafkaConnection connection = RawKafkaConnection.open(creator.port())) {
            MetadataRequestData request = new MetadataRequestData().setAllowAutoTopicCreation(true)
                    .setTopics(topics.stream().map(t -> new MetadataRequestData.MetadataRequestTopic().setName(t)).toList());
            MetadataResponseData response = connection.call(ApiKeys.METADATA, (short) 12, request);
            for (MetadataResponseData.MetadataResponseTopic topic : response.topics()) {
                if (topic.errorCode() != Errors.NONE.code()) {
                    throw new IOException("Could not create " + topic.name() + ": " + Errors.forCode(topic.errorCode()));
                }
            }
        }
        Map<String, String> all = new HashMap<>(config);
        all.putIfAbsent("num.partitions", Integer.toString(partitions));
        return SuretyBroker.builder().dataDir(dataDir).configs(all).start();
    }
}
