package io.surety.semantics;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The application's consume-transform-produce step for {@link ExactlyOnceLoop}: the output
 * records for one input record (none, one or many). It should only compute: the loop sends the
 * output inside the transaction, and may call it again for the same record after a failure or an
 * aborted transaction, so side effects outside Kafka would repeat.
 */
@FunctionalInterface
public interface RecordTransformer<K, V, KO, VO> {

    List<ProducerRecord<KO, VO>> transform(ConsumerRecord<K, V> record) throws Exception;
}
