package io.surety.broker.node;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;

/**
 * How a request to the controller that got no answer is reported to the handler that forwarded
 * it: as the Kafka error a Kafka broker answers when forwarding fails. Stateless.
 *
 * <ul>
 *   <li>the controller refused it with a Kafka error (it stopped leading while deciding:
 *       {@link NotControllerException}) → that error, whatever wraps it on the way back;
 *   <li>anything else (no quorum leader reachable within the quorum client's retries, a request
 *       that timed out, this member closing) → {@link TimeoutException}, REQUEST_TIMED_OUT.
 * </ul>
 *
 * <p>Implementation notes: the quorum carries a refusal back inside its own exception types, and
 * may carry only the refusal's class name and message when the cause does not survive the trip, so
 * the name is looked for in the messages as well; nothing here names a Ratis type.
 */
final class ControllerFailures {

    private static final String NOT_CONTROLLER = NotControllerException.class.getName();

    private ControllerFailures() {
    }

    static ApiException toKafka(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                return Errors.forException(api).exception(api.getMessage());
            }
            if (cause.getMessage() != null && cause.getMessage().contains(NOT_CONTROLLER)) {
                return new NotControllerException("The controller refused the request: " + cause.getMessage());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return new TimeoutException("The controller did not answer: " + failure);
    }
}
