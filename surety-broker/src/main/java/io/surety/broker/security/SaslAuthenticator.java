package io.surety.broker.security;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The server side of SASL authentication for one connection, with the states and answers of
 * Kafka's {@code SaslServerAuthenticator}: the connection shows it every frame, and it says what to
 * do with it ({@link SaslStep}): serve it as a request, answer it, or close. It never touches the
 * network, owns no thread and reads no clock: the time is passed in with each frame.
 *
 * <p>The states, as Kafka names them:
 * <pre>
 *   INITIAL_REQUEST ──ApiVersions──▶ HANDSHAKE_REQUEST ──SaslHandshake──▶ AUTHENTICATE ──SaslAuthenticate…──▶ COMPLETE
 *        └────────────SaslHandshake───────────────────────────────────────▲                                  │
 *   COMPLETE ──SaslHandshake, session expiring, last re-authentication ≥ 1 s ago──▶ (re-authentication) ──────┘
 *   any failure ──▶ FAILED (the connection closes, after connection.failed.authentication.delay.ms
 *                           when there is an answer to give)
 * </pre>
 *
 * <p>What each bad input gets, as Kafka answers it:
 * <ul>
 *   <li>before the handshake, anything but ApiVersions and SaslHandshake, an unparsable frame, an
 *       unsupported SaslHandshake version, or a second ApiVersions: close at once, nothing answered
 *       and no body parsed;
 *   <li>a mechanism not enabled: UNSUPPORTED_SASL_MECHANISM with the enabled list, then close;
 *   <li>after the handshake, any request but SaslAuthenticate: that request's own error answer
 *       with ILLEGAL_SASL_STATE, then close;
 *   <li>wrong credentials: SASL_AUTHENTICATION_FAILED with the mechanism's generic message (never
 *       the server-side cause, which may say whether the user exists), then close;
 *   <li>once authenticated: a request after the session expired closes the connection; a
 *       re-authentication with another mechanism or as another principal fails and closes.
 * </ul>
 *
 * <p>Threading: confined to the connection's thread. Not thread-safe.
 *
 * <p>Implementation notes: SaslHandshake v0 (before KIP-152) carries the later tokens as bare
 * size-prefixed bytes, not SaslAuthenticate requests; {@link SaslStep.Token} answers those. During
 * a re-authentication nothing but the exchange is served, as in Kafka, where the client sends no
 * new request until it has re-authenticated; answers to requests sent before the SaslHandshake
 * still go out first, in request order, because the connection orders every answer.
 */
public final class SaslAuthenticator {

    /** Kafka refuses a re-authentication within a second of the last one began. */
    static final long MIN_REAUTH_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private enum State {
        INITIAL_REQUEST, HANDSHAKE_OR_VERSIONS_REQUEST, HANDSHAKE_REQUEST, AUTHENTICATE, REAUTH_BAD_MECHANISM,
        COMPLETE, FAILED
    }

    private final SaslMechanisms mechanisms;
    private final SaslSettings settings;
    private final AuthenticationEvents events;
    private final Function<SaslServer, KafkaPrincipal> principalOf;
    private State state = State.INITIAL_REQUEST;
    private SaslServer server;
    private String mechanism = AuthenticationEvents.NO_MECHANISM;
    private boolean rawTokens;
    private KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;
    private boolean expires;
    private long sessionExpiryNs;
    private boolean reauthenticating;
    private boolean reauthenticatedBefore;
    private long lastReauthStartNs;
    private KafkaPrincipal previousPrincipal;

    /** An authenticator naming each connection {@code User:<authorization id>}, as Kafka's default builder does. */
    public SaslAuthenticator(SaslMechanisms mechanisms, SaslSettings settings, AuthenticationEvents events) {
        this(mechanisms, settings, events, server -> new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.getAuthorizationID()));
    }

    /**
     * @param principalOf who a completed exchange authenticated (the listener's principal builder,
     *     {@link ConnectionPrincipals#sasl}); a re-authentication must give the same principal
     */
    public SaslAuthenticator(SaslMechanisms mechanisms, SaslSettings settings, AuthenticationEvents events,
            Function<SaslServer, KafkaPrincipal> principalOf) {
        this.mechanisms = Objects.requireNonNull(mechanisms, "mechanisms");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
        this.principalOf = Objects.requireNonNull(principalOf, "principalOf");
    }

    /**
     * Looks at one frame (without its size prefix) that arrived at {@code nowNs}. On
     * {@link SaslStep.Dispatch} the buffer is left as it was given, for the connection to decode;
     * otherwise it has been read.
     */
    public SaslStep onFrame(ByteBuffer frame, long nowNs) {
        int start = frame.position();
        SaslStep step = switch (state) {
            case INITIAL_REQUEST, HANDSHAKE_OR_VERSIONS_REQUEST, HANDSHAKE_REQUEST -> beforeHandshake(frame);
            case AUTHENTICATE -> rawTokens ? rawToken(frame, nowNs) : authenticate(frame, nowNs);
            case REAUTH_BAD_MECHANISM -> badMechanism();
            case COMPLETE -> authenticated(frame, nowNs);
            case FAILED -> SaslStep.Close.now("a frame after a failed SASL authentication");
        };
        if (step instanceof SaslStep.Dispatch) {
            frame.position(start);
        }
        return step;
    }

    /** Whether the connection is authenticated (and not re-authenticating): its requests are served. */
    public boolean isAuthenticated() {
        return state == State.COMPLETE;
    }

    /**
     * The largest frame to accept now: {@code sasl.server.max.receive.size} until authenticated (and
     * while re-authenticating), else {@code authenticatedLimit}.
     */
    public int maxFrameBytes(int authenticatedLimit) {
        return state == State.COMPLETE ? authenticatedLimit : settings.maxReceiveBytes();
    }

    /** Who the connection authenticated as ({@code User:<name>}); {@code User:ANONYMOUS} before. */
    public KafkaPrincipal principal() {
        return principal;
    }

    /** The mechanism agreed in the last handshake, or {@link AuthenticationEvents#NO_MECHANISM}. */
    public String mechanism() {
        return mechanism;
    }

    /** Disposes the mechanism's server, if an exchange is in progress. Call when the connection closes. */
    public void close() {
        disposeServer();
    }

    // ------------------------------------------------------------------ before the handshake

    private SaslStep beforeHandshake(ByteBuffer frame) {
        RequestHeader header = header(frame);
        if (header == null) {
            return failNow("not a Kafka request before SASL authentication (a client with another security.protocol, "
                    + "or not a Kafka client)");
        }
        if (header.apiKey() == ApiKeys.API_VERSIONS && !reauthenticating) {
            return apiVersions(header);
        }
        if (header.apiKey() != ApiKeys.SASL_HANDSHAKE) {
            return failNow(header.apiKey().name + " before SASL authentication: a client must authenticate first");
        }
        return handshake(header, frame);
    }

    /** ApiVersions may come once, first; it is served by the broker's own handler. */
    private SaslStep apiVersions(RequestHeader header) {
        if (state == State.HANDSHAKE_REQUEST) {
            return failNow("a second ApiVersions before SaslHandshake");
        }
        // An unsupported version is answered with the versions served, and the client may ask again.
        state = ApiKeys.API_VERSIONS.isVersionSupported(header.apiVersion()) ? State.HANDSHAKE_REQUEST
                : State.HANDSHAKE_OR_VERSIONS_REQUEST;
        return SaslStep.DISPATCH;
    }

    private SaslStep handshake(RequestHeader header, ByteBuffer frame) {
        if (!ApiKeys.SASL_HANDSHAKE.isVersionSupported(header.apiVersion())) {
            return failNow("unsupported SaslHandshake version " + header.apiVersion());
        }
        SaslHandshakeRequest request = (SaslHandshakeRequest) body(header, frame);
        if (request == null) {
            return failNow("unparsable SaslHandshake body");
        }
        String requested = request.data().mechanism();
        if (!mechanisms.isEnabled(requested)) {
            events.failed(AuthenticationEvents.NO_MECHANISM, reauthenticating);
            return fail(Optional.of(new SaslStep.Reply(header, new SaslHandshakeResponseData()
                            .setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code()).setMechanisms(mechanisms.enabled()))),
                    "the client asked for a SASL mechanism not in sasl.enabled.mechanisms " + mechanisms.enabled());
        }
        rawTokens = header.apiVersion() == 0;
        SaslStep.Reply accepted = new SaslStep.Reply(header, new SaslHandshakeResponseData()
                .setErrorCode(Errors.NONE.code()).setMechanisms(mechanisms.enabled()));
        if (reauthenticating && !requested.equals(mechanism)) {
            state = State.REAUTH_BAD_MECHANISM;
            return accepted;
        }
        try {
            server = mechanisms.newServer(requested);
        } catch (SaslException | RuntimeException e) {
            return failNow("could not start SASL mechanism " + requested + ": " + e.getClass().getSimpleName());
        }
        mechanism = requested;
        state = State.AUTHENTICATE;
        return accepted;
    }

    // ------------------------------------------------------------------ the exchange

    private SaslStep authenticate(ByteBuffer frame, long nowNs) {
        RequestHeader header = header(frame);
        if (header == null) {
            return failNow("unparsable request during SASL authentication");
        }
        if (!header.apiKey().isVersionSupported(header.apiVersion())) {
            return failNow("unsupported " + header.apiKey().name + " version " + header.apiVersion()
                    + " during SASL authentication");
        }
        AbstractRequest body = body(header, frame);
        if (body == null) {
            return failNow("unparsable " + header.apiKey().name + " body during SASL authentication");
        }
        if (header.apiKey() != ApiKeys.SASL_AUTHENTICATE) {
            String reason = header.apiKey().name + " during SASL authentication, where only SaslAuthenticate may come";
            IllegalSaslStateException error = new IllegalSaslStateException("Unexpected " + header.apiKey().name
                    + " request during SASL authentication; only SaslAuthenticate may come now");
            try {
                return fail(Optional.of(new SaslStep.Reply(header, body.getErrorResponse(0, error).data())), reason);
            } catch (RuntimeException e) {
                return failNow(reason);
            }
        }
        byte[] token = ((SaslAuthenticateRequest) body).data().authBytes();
        byte[] challenge;
        try {
            challenge = server.evaluateResponse(token);
        } catch (SaslAuthenticationException e) {
            return failedCredentials(header, e.getMessage());
        } catch (SaslException e) {
            // Never the exception's text: it may say whether the user exists.
            return failedCredentials(header, genericFailure());
        } catch (RuntimeException e) {
            return failNow("SASL mechanism " + mechanism + " failed: " + e.getClass().getSimpleName());
        }
        SaslAuthenticateResponseData answer = new SaslAuthenticateResponseData().setErrorCode(Errors.NONE.code())
                .setAuthBytes(challenge == null ? new byte[0] : challenge);
        if (server.isComplete()) {
            KafkaPrincipal authenticated = principalOf.apply(server);
            if (reauthenticating && !authenticated.equals(previousPrincipal)) {
                return failedCredentials(header, "Cannot change principals during re-authentication from "
                        + previousPrincipal + ": " + authenticated);
            }
            long lifetimeMs = complete(authenticated, nowNs);
            if (header.apiVersion() >= 1) {
                answer.setSessionLifetimeMs(lifetimeMs);
            }
        }
        return new SaslStep.Reply(header, answer);
    }

    /** A token after SaslHandshake v0: bare bytes both ways, and no way to tell the client why it failed. */
    private SaslStep rawToken(ByteBuffer frame, long nowNs) {
        byte[] token = new byte[frame.remaining()];
        frame.get(token);
        byte[] challenge;
        try {
            challenge = server.evaluateResponse(token);
        } catch (SaslException | SaslAuthenticationException e) {
            events.failed(mechanism, reauthenticating);
            return fail(Optional.empty(), "SASL authentication failed (" + mechanism + ", SaslHandshake v0)");
        } catch (RuntimeException e) {
            return failNow("SASL mechanism " + mechanism + " failed: " + e.getClass().getSimpleName());
        }
        if (server.isComplete()) {
            KafkaPrincipal authenticated = principalOf.apply(server);
            if (reauthenticating && !authenticated.equals(previousPrincipal)) {
                events.failed(mechanism, true);
                return fail(Optional.empty(), "re-authentication as another principal");
            }
            complete(authenticated, nowNs);
        }
        return new SaslStep.Token(Optional.ofNullable(challenge));
    }

    /** Kafka answers nothing here: the client asked to re-authenticate with another mechanism than before. */
    private SaslStep badMechanism() {
        events.failed(mechanism, true);
        return fail(Optional.empty(), "re-authentication with another SASL mechanism than " + mechanism);
    }

    private String genericFailure() {
        return "Authentication failed: invalid credentials for SASL mechanism " + mechanism;
    }

    private SaslStep failedCredentials(RequestHeader header, String message) {
        events.failed(mechanism, reauthenticating);
        return fail(Optional.of(new SaslStep.Reply(header, new SaslAuthenticateResponseData()
                        .setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code()).setErrorMessage(message))),
                (reauthenticating ? "SASL re-authentication failed: " : "SASL authentication failed: ") + message);
    }

    /** Authenticated as {@code authenticated} at {@code nowNs}; returns the session's lifetime, 0 for none. */
    private long complete(KafkaPrincipal authenticated, long nowNs) {
        events.succeeded(mechanism, reauthenticating);
        principal = authenticated;
        state = State.COMPLETE;
        reauthenticating = false;
        previousPrincipal = null;
        disposeServer();
        long lifetimeMs = settings.maxReauthMs(mechanism);
        expires = lifetimeMs > 0;
        sessionExpiryNs = nowNs + TimeUnit.MILLISECONDS.toNanos(lifetimeMs);
        return lifetimeMs;
    }

    // ------------------------------------------------------------------ once authenticated

    /**
     * An authenticated connection: a SaslHandshake may begin a re-authentication (a session that
     * expires, the last re-authentication a second ago or more); otherwise every request is served
     * until the session expires, then the connection closes. A SaslHandshake that begins nothing is
     * served too: its handler answers ILLEGAL_SASL_STATE.
     */
    private SaslStep authenticated(ByteBuffer frame, long nowNs) {
        boolean handshake = frame.remaining() >= 2 && frame.getShort(frame.position()) == ApiKeys.SASL_HANDSHAKE.id;
        if (handshake && expires && (!reauthenticatedBefore || nowNs - lastReauthStartNs >= MIN_REAUTH_INTERVAL_NS)) {
            reauthenticating = true;
            reauthenticatedBefore = true;
            lastReauthStartNs = nowNs;
            previousPrincipal = principal;
            state = State.HANDSHAKE_REQUEST;
            return beforeHandshake(frame);
        }
        if (expires && nowNs - sessionExpiryNs > 0) {
            state = State.FAILED;
            events.expired();
            return SaslStep.Close.now("the SASL session expired (connections.max.reauth.ms) and the client did not "
                    + "re-authenticate");
        }
        return SaslStep.DISPATCH;
    }

    // ------------------------------------------------------------------ helpers

    private SaslStep fail(Optional<SaslStep.Reply> answer, String reason) {
        state = State.FAILED;
        disposeServer();
        return new SaslStep.Close(answer, settings.failedAuthenticationDelayMs(), reason);
    }

    private SaslStep failNow(String reason) {
        state = State.FAILED;
        disposeServer();
        return SaslStep.Close.now(reason);
    }

    private void disposeServer() {
        if (server != null) {
            try {
                server.dispose();
            } catch (SaslException ignored) {
                // Nothing is held that outlives the connection.
            }
            server = null;
        }
    }

    /** The request header at the frame's start, or null if there is none; the buffer is left at the body. */
    private static RequestHeader header(ByteBuffer frame) {
        try {
            return RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The request body for {@code header} from the rest of the frame, or null if it does not parse. */
    private static AbstractRequest body(RequestHeader header, ByteBuffer frame) {
        try {
            return AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(), new ByteBufferAccessor(frame))
                    .request;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
