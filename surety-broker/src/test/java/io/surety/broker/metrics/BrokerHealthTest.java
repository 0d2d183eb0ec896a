package io.surety.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerHealthTest {

    @Test
    void shouldNameWhatAClusterNodeWaitsForWhenNotJoined() {
        BrokerHealth joining = BrokerHealth.joining(List.of("registration: no controller", "unfencing: none yet"));

        assertThat(joining.started()).isFalse();
        assertThat(joining.readyText()).isEqualTo("not ready: joining the cluster\n"
                + "waiting for registration: no controller\nwaiting for unfencing: none yet\n");
    }

    @Test
    void shouldKeepTheSingleNodeTextsWhenNothingIsAwaited() {
        assertThat(BrokerHealth.NOT_STARTED.readyText()).isEqualTo("not ready: starting (recovering logs) or stopping\n");
        assertThat(new BrokerHealth(true, List.of("t-0: corrupt"), List.of("junk")).readyText())
                .isEqualTo("ready\noffline partition t-0: corrupt\nunknown entry in the data directory: junk\n");
    }
}
