package io.surety.broker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.SuretyBroker;
import io.surety.broker.replication.BrokerEndpoint;
import io.surety.harness.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client a broker uses to reach its peers, against a real Surety listener: pipelined requests
 * matched to their own answers, a closed peer failing what awaits an answer, and a new connection
 * once the peer is back.
 */
class InterBrokerClientIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldMatchEveryPipelinedRequestToItsOwnAnswer() throws IOException {
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir).start();
             InterBrokerClient client = new InterBrokerClient(2, 1 << 20)) {
            BrokerEndpoint peer = new BrokerEndpoint(1, "127.0.0.1", broker.port());
            List<CompletableFuture<AbstractResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(i % 2 == 0
                        ? client.send(peer, new ApiVersionsRequest.Builder())
                        : client.send(peer, new MetadataRequest.Builder(new MetadataRequestData()
                                .setTopics(List.of()).setAllowAutoTopicCreation(false))));
            }

            for (int i = 0; i < answers.size(); i++) {
                AbstractResponse answer = answers.get(i).join();
                if (i % 2 == 0) {
                    assertThat(answer).isInstanceOf(ApiVersionsResponse.class);
                    assertThat(((ApiVersionsResponse) answer).apiVersion(ApiKeys.FETCH.id)).isNotNull();
                } else {
                    assertThat(answer).isInstanceOf(MetadataResponse.class);
                    assertThat(((MetadataResponse) answer).clusterId()).isEqualTo(broker.clusterId());
                }
            }
        }
    }

    @Test
    void shouldFailWhileThePeerIsDownAndReconnectWhenItIsBack() throws IOException {
        int port = FreePorts.find();
        try (InterBrokerClient client = new InterBrokerClient(2, 1 << 20)) {
            BrokerEndpoint peer = new BrokerEndpoint(1, "127.0.0.1", port);

            assertThatThrownBy(() -> client.send(peer, new ApiVersionsRequest.Builder()).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("broker 1 at 127.0.0.1:" + port);

            try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir).port(port).start()) {
                assertThat(broker.port()).isEqualTo(port);
                ApiVersionsResponse answer = (ApiVersionsResponse) client.send(peer, new ApiVersionsRequest.Builder()).join();
                assertThat(Errors.forCode(answer.data().errorCode())).isEqualTo(Errors.NONE);
            }

            assertThatThrownBy(() -> client.send(peer, new ApiVersionsRequest.Builder()).join())
                    .hasCauseInstanceOf(IOException.class);
        }
    }
}
