package io.surety.broker.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Kafka's fencing rule for markers: older coordinator epochs than the newest taken are refused, per producer. */
class CoordinatorEpochsTest {

    @Test
    void shouldTakeAnyEpochForAProducerNotSeenYet() {
        CoordinatorEpochs epochs = new CoordinatorEpochs();

        assertThat(epochs.isFenced(1, -1)).isFalse();
        assertThat(epochs.isFenced(1, 0)).isFalse();
        assertThat(epochs.of(1)).isEmpty();
    }

    @Test
    void shouldFenceOnlyOlderEpochsOfTheSameProducer() {
        CoordinatorEpochs epochs = new CoordinatorEpochs();
        epochs.taken(1, 5);

        assertThat(epochs.isFenced(1, 4)).isTrue();
        assertThat(epochs.isFenced(1, 5)).as("the same coordinator again").isFalse();
        assertThat(epochs.isFenced(1, 6)).isFalse();
        assertThat(epochs.isFenced(2, 0)).as("another producer").isFalse();
    }

    @Test
    void shouldNeverMoveBackAndForgetExpiredProducers() {
        CoordinatorEpochs epochs = new CoordinatorEpochs();
        epochs.taken(1, 5);
        epochs.taken(1, 3);
        epochs.taken(2, 1);

        assertThat(epochs.of(1)).isEqualTo(OptionalInt.of(5));
        epochs.retainOnly(producerId -> producerId == 2);
        assertThat(epochs.of(1)).isEmpty();
        assertThat(epochs.of(2)).isEqualTo(OptionalInt.of(1));
    }
}
