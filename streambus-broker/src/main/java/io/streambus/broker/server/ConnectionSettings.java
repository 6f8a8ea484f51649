package io.streambus.broker.server;

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
 */
record ConnectionSettings(long idleTimeoutMillis, long frameTimeoutMillis, TlsPrincipalMapper tlsPrincipalMapper,
        LoginThrottle loginThrottle, long authDeadlineMillis) {
    ConnectionSettings {
        Objects.requireNonNull(tlsPrincipalMapper, "tlsPrincipalMapper");
        Objects.requireNonNull(loginThrottle, "loginThrottle");
    }

    /** The settings of {@code config}. */
    static ConnectionSettings of(BrokerConfig config) {
        return new ConnectionSettings(config.idleTimeout().toMillis(), config.frameTimeout().toMillis(),
                config.tlsPrincipalMapper(), new LoginThrottle(config.authFailureDelay(), config.authFailureDelayMax()),
                config.authRequired() && config.saslEnabled() ? config.authTimeout().toMillis() : 0);
    }
}
