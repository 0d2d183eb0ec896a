package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TransactionConfigTest {

    @Test
    void shouldUseKafkaDefaultsWhenNothingIsSet() {
        TransactionConfig transactions = BrokerConfig.of(Map.of()).transactions();
        assertThat(transactions.maxTimeoutMs()).isEqualTo(900_000);
        assertThat(transactions.abortTimedOutIntervalMs()).isEqualTo(10_000L);
        assertThat(transactions.idExpirationMs()).isEqualTo(604_800_000L);
        assertThat(transactions.removeExpiredIntervalMs()).isEqualTo(3_600_000L);
        assertThat(transactions.verificationEnabled()).isTrue();
        assertThat(transactions.producerIdExpirationMs()).isEqualTo(86_400_000L);
        assertThat(TransactionConfig.defaults()).isEqualTo(transactions);
    }

    @Test
    void shouldReadEachKeyAndRefuseOutOfRangeValuesNamingTheKey() {
        TransactionConfig transactions = BrokerConfig.of(Map.of("transaction.max.timeout.ms", "60000",
                "transaction.partition.verification.enable", "false", "producer.id.expiration.ms", "1000")).transactions();
        assertThat(transactions.maxTimeoutMs()).isEqualTo(60_000);
        assertThat(transactions.verificationEnabled()).isFalse();
        assertThat(transactions.producerIdExpirationMs()).isEqualTo(1_000L);
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("transaction.max.timeout.ms", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("transaction.max.timeout.ms");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("transactional.id.expiration.ms", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("transactional.id.expiration.ms");
    }
}
