package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RequestContextTest {

    @Test
    void shouldReadTheHostOfAPeerAddressAsTheNetworkLayerWritesIt() throws Exception {
        assertThat(RequestContext.host("/127.0.0.1:50312")).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(RequestContext.host("localhost/127.0.0.1:50312")).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(RequestContext.host("/0:0:0:0:0:0:0:1:50312")).isEqualTo(InetAddress.getByName("::1"));
    }

    @Test
    void shouldMatchOnlyWildcardHostsWhenThePeerIsUnknown() throws Exception {
        assertThat(RequestContext.host("unknown")).isEqualTo(InetAddress.getByName("0.0.0.0"));
    }
}
