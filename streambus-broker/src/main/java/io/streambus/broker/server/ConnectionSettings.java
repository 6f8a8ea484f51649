package io.streambus.broker.server;

import io.streambus.broker.limits.MemoryBudget;
import io.streambus.broker.security.LoginThrottle;
import io.streambus.broker.security.TlsPrincipalMapper;
import java.util.Objects;

/**
 * Per-connection guards the listener applies, resolved once per broker start. Immutable; thread-safe.
 *
 * @param idleTimeoutMillis   close connections idle this long
 * @param frameTimeoutMillis  close an unauthenticated connection whose frame stays incomplete this long; 0 = never
 * @param tlsPrincipalMapper  maps a verified client certificate to the connection's principal
 * @param loginThrottle       delays the replies to failed authentications
 * @param authDeadlineMillis  with AUTH_REQUIRED, the time after which an unauthenticated connection is closed; a held
 *                            failure reply is sent before it (0 = no deadline)
 * @param memoryBudget        the broker-wide budget of queued, in-progress and unwritten bytes
 * @param preAuthMaxFrameBytes with AUTH_REQUIRED, the largest frame and the reply backlog allowed before
 *                            authentication
 */
record ConnectionSettings(long idleTimeoutMillis, long frameTimeoutMillis, TlsPrincipalMapper tlsPrincipalMapper,
        LoginThrottle loginThrottle, long authDeadlineMillis, MemoryBudget memoryBudget, int preAuthMaxFrameBytes) {
    ConnectionSettings {
        Objects.requireNonNull(tlsPrincipalMapper, "tlsPrincipalMapper");
        Objects.requireNonNull(loginThrottle, "loginThrottle");
        Objects.requireNonNull(memoryBudget, "memoryBudget");
    }

    /** The settings of {@code config}. */
    static ConnectionSettings of(BrokerConfig config, MemoryBudget budget) {
        return new ConnectionSettings(config.idleTimeout().toMillis(), config.frameTimeout().toMillis(),
                config.tlsPrincipalMapper(), new LoginThrottle(config.authFailureDelay(), config.authFailureDelayMax()),
                config.authRequired() && config.saslEnabled() ? config.authTimeout().toMillis() : 0, budget,
                config.limits().preAuthMaxFrameBytes());
    }
}
