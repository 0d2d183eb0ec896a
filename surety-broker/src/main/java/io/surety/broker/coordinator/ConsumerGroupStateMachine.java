package io.surety.broker.coordinator;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/** The consumer group protocol (KIP-848). Runs on the coordinator thread only. */
final class ConsumerGroupStateMachine {

    private final GroupStateMachine groups;
    private final GroupCoordinatorConfig config;
    private final TopicView topics;

    ConsumerGroupStateMachine(GroupStateMachine groups, GroupCoordinatorConfig config, TopicView topics) {
        this.groups = groups;
        this.config = config;
        this.topics = topics;
    }

    ConsumerGroupHeartbeatResponseData heartbeat(OperationContext ctx, ConsumerGroupHeartbeatRequestData request,
            ClassicGroupStateMachine.Client client) {
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
    }

    List<ConsumerGroupDescribeResponseData.DescribedGroup> describe(List<String> groupIds, short version) {
        return new ArrayList<>();
    }

    void onLoad(OperationContext ctx) {
    }
}
