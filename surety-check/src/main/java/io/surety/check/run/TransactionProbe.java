package io.surety.check.run;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Whether a cluster runs transactions: one transactional producer is started and initialized
 * ({@code initTransactions}: FindCoordinator, then InitProducerId) within {@link #TIMEOUT}. Stateless.
 */
final class TransactionProbe {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private TransactionProbe() {
    }

    /** Why a transactional producer with id {@code transactionalId} could not start, or empty if it could. */
    static Optional<String> refusal(String bootstrapServers, String transactionalId) {
        Properties probe = new Properties();
        probe.put("bootstrap.servers", bootstrapServers);
        probe.put("transactional.id", transactionalId);
        probe.put("max.block.ms", String.valueOf(TIMEOUT.toMillis()));
        probe.put("key.serializer", ByteArraySerializer.class.getName());
        probe.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(probe)) {
            producer.initTransactions();
            return Optional.empty();
        } catch (KafkaException e) {
            return Optional.of("the cluster did not let a transactional producer start within " + TIMEOUT.toSeconds()
                    + " s (" + Causes.root(e) + "); transactions in cluster mode may not be built in this Surety");
        }
    }
}
