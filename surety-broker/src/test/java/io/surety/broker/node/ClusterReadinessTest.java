package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.cluster.ClusterImage;
import org.junit.jupiter.api.Test;

class ClusterReadinessTest {

    private final ClusterImages images = new ClusterImages();

    @Test
    void shouldMissEverythingWhenNotRegistered() {
        assertThat(ClusterReadiness.missing(1, -1, true, ClusterImage.EMPTY))
                .satisfiesExactly(r -> assertThat(r).startsWith("registration"), u -> assertThat(u).startsWith("unfencing"),
                        m -> assertThat(m).startsWith("metadata"));
    }

    @Test
    void shouldWaitForUnfencingAndImageWhenJustRegistered() {
        ClusterImage before = images.image();
        long epoch = images.register(1).broker(1).brokerEpoch();

        assertThat(ClusterReadiness.missing(1, epoch, true, before))
                .satisfiesExactly(u -> assertThat(u).startsWith("unfencing").contains("broker epoch " + epoch),
                        m -> assertThat(m).startsWith("metadata").contains("index " + epoch));
    }

    @Test
    void shouldWaitForTheImageHoldingThisRegistrationWhenUnfencedBeforeApplyingIt() {
        ClusterImage oldIncarnation = images.register(1);
        long epoch = images.register(1).broker(1).brokerEpoch();

        assertThat(ClusterReadiness.missing(1, epoch, false, oldIncarnation))
                .as("the image holds an older registration of the same id").singleElement()
                .satisfies(m -> assertThat(m).startsWith("metadata"));
    }

    @Test
    void shouldBeJoinedWhenRegisteredUnfencedAndItsRegistrationApplied() {
        long epoch = images.register(1).broker(1).brokerEpoch();
        ClusterImage unfenced = images.unfence(1);

        assertThat(ClusterReadiness.missing(1, epoch, false, unfenced)).isEmpty();
        assertThat(ClusterReadiness.missing(1, epoch, true, unfenced)).singleElement()
                .satisfies(u -> assertThat(u).startsWith("unfencing"));
    }
}
