package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.SuretyBroker;
import io.surety.harness.FaultProxy;
import io.surety.harness.FreePorts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The seeds' point about acks=0: loss can only be estimated on the consumer side. A producer with
 * the at-most-once preset writes through a TCP proxy that, for every other chunk of records, holds
 * what it receives and then cuts every connection; the audit's estimate of lost and duplicated
 * records must equal the truth read back from the log.
 */
class DeliveryAuditLossyProxyIT {

    private static final int PARTITIONS = 3;
    private static final int RECORDS = 3000;
    private static final int CHUNK = 500;

    @Test
    void shouldCountExactlyWhatALossyNetworkDroppedWhenAcksIsZero() throws Exception {
        int proxyPort = FreePorts.find();
        try (SuretyBroker broker = SuretyBroker.builder().tempDataDir()
                .config("advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxyPort).start();
                FaultProxy proxy = FaultProxy.builder("127.0.0.1", broker.port()).listenPort(proxyPort).start()) {
            String topic = "lossy";
            BrokerProbe.createTopic(proxy.address(), topic, PARTITIONS);
            AuditStamper stamper = AuditStamper.forSource("lossy-producer");
            try (Producer<String, String> producer = Guarantee.AT_MOST_ONCE.newProducer(
                    Map.of("bootstrap.servers", proxy.address(), "linger.ms", 1),
                    new StringSerializer(), new StringSerializer())) {
                for (int chunk = 0; chunk < RECORDS / CHUNK; chunk++) {
                    boolean lossy = chunk % 2 == 1;
                    if (lossy) {
                        proxy.blackHole();
                    }
                    for (int i = 0; i < CHUNK; i++) {
                        producer.send(stamper.stamp(new ProducerRecord<>(topic, "key-" + i, "value-" + chunk + "-" + i)));
                    }
                    producer.flush();
                    if (lossy) {
                        // What the proxy holds, and what is still queued to it, dies with the connections.
                        proxy.resetAll();
                        proxy.heal();
                    }
                }
                producer.flush();
            }

            DeliveryAudit audit = DeliveryAudit.expectingFromZero();
            Set<String> distinct = new HashSet<>();
            List<String> all = new ArrayList<>();
            boolean atEnd = BrokerProbe.readToEnd(proxy.address(), topic, PARTITIONS, Map.of(), record -> {
                audit.record(record);
                String sequence = new String(record.headers().lastHeader(AuditStamper.SEQUENCE_HEADER).value());
                distinct.add(sequence);
                all.add(sequence);
            });
            assertThat(atEnd).as("read to the end of the log").isTrue();

            long sent = stamper.nextSequence();
            long lost = sent - distinct.size();
            SourceFigures figures = audit.snapshot().source("lossy-producer").orElseThrow();
            System.out.printf("acks=0 through a lossy proxy: %d sent, %d in the log, %d lost; audit estimate %d lost%n",
                    sent, distinct.size(), lost, figures.missingBelow(sent));
            assertThat(lost).as("the proxy must have dropped records for this test to mean anything").isPositive();
            assertThat(figures.missingBelow(sent)).isEqualTo(lost);
            assertThat(figures.duplicates()).isEqualTo(all.size() - distinct.size());
            assertThat(figures.received()).isEqualTo(all.size());
        }
    }
}
