package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.ProducerIds;
import java.util.List;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Producer id blocks (Kafka's {@code ProducerIdControlManager}): each AllocateProducerIds hands
 * the asking broker the next {@value #BLOCK_SIZE} ids, so ids are unique cluster-wide without a
 * round trip per producer. Stateless.
 */
final class ProducerIdRules {

    /** Ids per block, as Kafka's {@code ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE}. */
    static final int BLOCK_SIZE = 1000;

    private ProducerIdRules() {
    }

    /** The next block; STALE_BROKER_EPOCH for a stale asker, UNKNOWN_SERVER_ERROR once ids run out. */
    static Decision<AllocateProducerIdsResponseData> allocate(ClusterImage image, AllocateProducerIdsRequestData request) {
        AllocateProducerIdsResponseData response = new AllocateProducerIdsResponseData();
        Errors epochError = BrokerLifecycleRules.checkBrokerEpoch(image, request.brokerId(), request.brokerEpoch());
        if (epochError != Errors.NONE) {
            return Decision.answer(response.setErrorCode(epochError.code()));
        }
        long start = image.nextProducerId();
        if (start > Long.MAX_VALUE - BLOCK_SIZE) {
            return Decision.answer(response.setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code()));
        }
        return new Decision<>(List.of(new ProducerIds(request.brokerId(), request.brokerEpoch(), start + BLOCK_SIZE)),
                response.setProducerIdStart(start).setProducerIdLen(BLOCK_SIZE));
    }
}
