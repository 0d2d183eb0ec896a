package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * A request to the controller that got no answer becomes the Kafka error a forwarding broker
 * answers: the controller's own refusal however the quorum wrapped it (even by name only), and
 * REQUEST_TIMED_OUT for everything else.
 */
class ControllerFailuresTest {

    @Test
    void shouldKeepTheControllersRefusalWhenTheQuorumWrapsIt() {
        Throwable wrapped = new CompletionException(new IOException("from the quorum",
                new NotControllerException("Node 2 is not the controller")));

        assertThat(Errors.forException(ControllerFailures.toKafka(wrapped))).isEqualTo(Errors.NOT_CONTROLLER);
    }

    @Test
    void shouldRecogniseTheRefusalByNameWhenOnlyItsMessageCameBack() {
        Throwable byName = new CompletionException(new IOException(NotControllerException.class.getName()
                + " from Server 2@group: Node 2 is no longer the controller"));

        assertThat(Errors.forException(ControllerFailures.toKafka(byName))).isEqualTo(Errors.NOT_CONTROLLER);
    }

    @Test
    void shouldAnswerRequestTimedOutWhenNoControllerAnswered() {
        Throwable retriesExhausted = new CompletionException(new IOException("Failed after 20 attempts",
                new IOException("timed out")));

        assertThat(ControllerFailures.toKafka(retriesExhausted)).isInstanceOf(TimeoutException.class);
        assertThat(Errors.forException(ControllerFailures.toKafka(retriesExhausted))).isEqualTo(Errors.REQUEST_TIMED_OUT);
    }
}
