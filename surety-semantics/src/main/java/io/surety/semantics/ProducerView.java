package io.surety.semantics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The producer settings that decide delivery, resolved the way the producer resolves them when it
 * starts, plus what the producer would refuse or silently change.
 *
 * <p>Immutable; safe to share.
 *
 * <p>Implementation notes: this models the producer's start-up checks of kafka-clients 3.0 to 4.x
 * (ProducerConfig and the KafkaProducer constructor) rather than running them, because running
 * them logs every setting at INFO and needs the serializer classes on the class path. The model
 * is kept honest by a test that compares it with the real {@code ProducerConfig} on the class
 * path. The rules:
 * <ul>
 *   <li>Idempotence is on when {@code enable.idempotence} says so, by default {@code true}.</li>
 *   <li>If the user set {@code enable.idempotence=true} explicitly, {@code acks} other than
 *       {@code all}, {@code retries=0} or more than 5 requests in flight are refused.</li>
 *   <li>If idempotence is on only by default, {@code acks} other than {@code all} or
 *       {@code retries=0} turn it off silently; more than 5 in flight turns it off silently in 3.x
 *       and is refused from 4.0 on.</li>
 *   <li>A {@code transactional.id} without idempotence is refused.</li>
 *   <li>{@code delivery.timeout.ms} below {@code linger.ms + request.timeout.ms} is refused when the
 *       user set it, and silently raised to that sum when it is the default.</li>
 * </ul>
 */
final class ProducerView {

    static final int MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

    private static final String ACKS = ProducerConfig.ACKS_CONFIG;
    private static final String RETRIES = ProducerConfig.RETRIES_CONFIG;
    private static final String IDEMPOTENCE = ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG;
    private static final String IN_FLIGHT = ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION;
    private static final String DELIVERY_TIMEOUT = ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG;
    private static final String LINGER = ProducerConfig.LINGER_MS_CONFIG;
    private static final String REQUEST_TIMEOUT = ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG;
    private static final String TRANSACTIONAL_ID = ProducerConfig.TRANSACTIONAL_ID_CONFIG;

    private final ClientSettings settings;
    private final int acks;
    private final long retries;
    private final long maxInFlight;
    private final boolean idempotenceExplicit;
    private final boolean idempotence;
    private final Optional<String> transactionalId;
    private final List<String> idempotenceOffBecause = new ArrayList<>();
    private final List<Finding> startupFindings = new ArrayList<>();

    ProducerView(ClientSettings settings, ClientVersion version) {
        this.settings = settings;
        String acksText = settings.stringValue(ACKS);
        this.acks = acksText.equals("all") ? -1 : Integer.parseInt(acksText);
        this.retries = settings.longValue(RETRIES);
        this.maxInFlight = settings.longValue(IN_FLIGHT);
        this.idempotenceExplicit = settings.isSet(IDEMPOTENCE);
        this.transactionalId = settings.value(TRANSACTIONAL_ID).map(String::valueOf).filter(id -> !id.isEmpty());
        this.idempotence = resolveIdempotence(version);
        checkTransactionalId();
        checkDeliveryTimeout();
    }

    static ProducerView of(java.util.Map<?, ?> raw) {
        return new ProducerView(ClientSettings.producer(raw), ClientVersion.inUse());
    }

    ClientSettings settings() {
        return settings;
    }

    /** -1 for {@code all}, else 0 or 1. */
    int acks() {
        return acks;
    }

    long retries() {
        return retries;
    }

    long maxInFlight() {
        return maxInFlight;
    }

    /** Whether the running producer would be idempotent (refused configurations count as requested). */
    boolean idempotence() {
        return idempotence;
    }

    boolean idempotenceExplicit() {
        return idempotenceExplicit;
    }

    Optional<String> transactionalId() {
        return transactionalId;
    }

    /**
     * How {@code enable.idempotence} shows in a finding: its value, and when the producer turns the
     * default off, which settings do it.
     */
    String shownIdempotence() {
        String shown = settings.shown(IDEMPOTENCE);
        return idempotenceOffBecause.isEmpty() ? shown
                : shown + ", turned off by " + String.join(" and ", idempotenceOffBecause);
    }

    /** What the producer refuses at start-up, or changes without being asked. */
    List<Finding> startupFindings() {
        return Collections.unmodifiableList(startupFindings);
    }

    private boolean resolveIdempotence(ClientVersion version) {
        boolean requested = settings.booleanValue(IDEMPOTENCE);
        if (!requested) {
            return false;
        }
        boolean on = true;
        if (acks != -1) {
            on = refuseOrDisable(idempotenceExplicit, ACKS, "acks=all",
                    "The idempotent producer needs acks=all: with acks=" + acks + " the broker's write is not confirmed,"
                            + " so the producer cannot tell a duplicate from a loss.",
                    "Set acks=all, or set enable.idempotence=false if you really want acks=" + acks + ".");
        }
        if (retries == 0) {
            on &= refuseOrDisable(idempotenceExplicit, RETRIES, "retries above 0",
                    "The idempotent producer needs retries above 0: it exists to make retries safe.",
                    "Remove retries (the default retries until delivery.timeout.ms) or set enable.idempotence=false.");
        }
        if (maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
            boolean refused = idempotenceExplicit || version.refusesInFlightAboveFiveWithDefaultIdempotence();
            if (refused) {
                startupFindings.add(new Finding(Side.PRODUCER, IN_FLIGHT, settings.shown(IN_FLIGHT), Severity.REFUSED,
                        "The idempotent producer keeps order and removes duplicates for at most 5 requests in flight"
                                + " per connection; kafka-clients " + version.text() + " refuses more"
                                + (idempotenceExplicit ? "." : " unless enable.idempotence=false is set explicitly."),
                        "Set " + IN_FLIGHT + " to 5 or less, or set enable.idempotence=false (at-most-once)."));
            } else {
                startupFindings.add(new Finding(Side.PRODUCER, IN_FLIGHT, settings.shown(IN_FLIGHT), Severity.WARNING,
                        "More than 5 requests in flight silently turns idempotence off in kafka-clients " + version.text()
                                + ": retries can then duplicate and reorder records.",
                        "Set " + IN_FLIGHT + " to 5 or less to keep idempotence, or set enable.idempotence=false"
                                + " to say you mean it."));
                idempotenceOffBecause.add(IN_FLIGHT + "=" + settings.shown(IN_FLIGHT));
                on = false;
            }
        }
        return on;
    }

    /** Returns whether idempotence stays on: an explicit request is refused, a default one is dropped. */
    private boolean refuseOrDisable(boolean explicit, String key, String needed, String problem, String fix) {
        if (!explicit) {
            idempotenceOffBecause.add(key + "=" + settings.shown(key));
            return false;
        }
        startupFindings.add(new Finding(Side.PRODUCER, key, settings.shown(key), Severity.REFUSED,
                problem + " With enable.idempotence=true set explicitly the producer refuses to start"
                        + " (it needs " + needed + ").", fix));
        return true;
    }

    private void checkTransactionalId() {
        if (transactionalId.isPresent() && !idempotence) {
            startupFindings.add(new Finding(Side.PRODUCER, TRANSACTIONAL_ID, settings.shown(TRANSACTIONAL_ID),
                    Severity.REFUSED,
                    "Transactions need the idempotent producer, which these settings turn off ("
                            + IDEMPOTENCE + "=" + shownIdempotence() + "); the producer refuses to start.",
                    "Keep acks=all, retries above 0, enable.idempotence=true and at most 5 requests in flight."));
        }
    }

    private void checkDeliveryTimeout() {
        long deliveryTimeoutMs = settings.longValue(DELIVERY_TIMEOUT);
        long lingerMs = settings.longValue(LINGER);
        long requestTimeoutMs = settings.longValue(REQUEST_TIMEOUT);
        long floorMs = Math.min(lingerMs + requestTimeoutMs, Integer.MAX_VALUE);
        if (deliveryTimeoutMs >= floorMs) {
            return;
        }
        String sum = "linger.ms + request.timeout.ms = " + lingerMs + " + " + requestTimeoutMs + " = " + floorMs + " ms";
        if (settings.isSet(DELIVERY_TIMEOUT)) {
            startupFindings.add(new Finding(Side.PRODUCER, DELIVERY_TIMEOUT, settings.shown(DELIVERY_TIMEOUT),
                    Severity.REFUSED,
                    "delivery.timeout.ms bounds the whole life of a send (waiting in a batch, then the request and its"
                            + " retries); it is below " + sum + ", so the producer refuses to start.",
                    "Set delivery.timeout.ms to at least " + floorMs + ", or lower linger.ms or request.timeout.ms."));
        } else {
            startupFindings.add(new Finding(Side.PRODUCER, DELIVERY_TIMEOUT, settings.shown(DELIVERY_TIMEOUT),
                    Severity.WARNING,
                    "The default delivery.timeout.ms is below " + sum + "; the producer silently raises it to "
                            + floorMs + " ms, so a failed send is reported later than the default suggests.",
                    "Set delivery.timeout.ms explicitly to at least " + floorMs + " ms."));
        }
    }
}
