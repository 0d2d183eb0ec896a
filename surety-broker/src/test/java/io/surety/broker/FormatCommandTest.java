package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class FormatCommandTest {

    @Test
    void shouldTakeOnlyBase64UuidsAsClusterIdsAsKafkaDoes() {
        assertThat(FormatCommand.clusterIdProblem(Uuid.randomUuid().toString())).isNull();
        assertThat(FormatCommand.clusterIdProblem("q1Sh-9_ISia_zwGINzRvyQ")).isNull();

        assertThat(FormatCommand.clusterIdProblem("my-cluster")).isEqualTo("not a base64 UUID (22 characters)");
        assertThat(FormatCommand.clusterIdProblem("0b0b0b0b-0b0b-0b0b-0b0b-0b0b0b0b0b0b"))
                .as("the hex form is not Kafka's").isEqualTo("not a base64 UUID (22 characters)");
        assertThat(FormatCommand.clusterIdProblem(Uuid.ZERO_UUID.toString())).isEqualTo("a reserved UUID");
    }
}
