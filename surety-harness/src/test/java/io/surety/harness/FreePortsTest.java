package io.surety.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void shouldFindDistinctBindablePortsBelowTheEphemeralRangeWhenAskedForSeveral() throws Exception {
        List<Integer> ports = FreePorts.find(20);

        assertThat(ports).doesNotHaveDuplicates().hasSize(20)
                .allMatch(port -> port < FreePorts.ephemeralLow(), "below the ephemeral range");
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void shouldSkipAPortSomeoneHoldsWhenFindingPorts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.find()));
            for (int i = 0; i < 50; i++) {
                assertThat(FreePorts.find(5)).doesNotContain(taken.getLocalPort());
            }
        }
    }
}
