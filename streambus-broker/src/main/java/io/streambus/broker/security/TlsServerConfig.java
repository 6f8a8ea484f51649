package io.streambus.broker.security;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.streambus.security.TlsSettings;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * TLS settings of a broker listener: the server key store, optionally a trust store for client certificates, and
 * whether clients must present one ({@link ClientAuth#NONE} / {@link ClientAuth#OPTIONAL} /
 * {@link ClientAuth#REQUIRE}; mTLS is REQUIRE). The frame format inside TLS is unchanged (spec B.5.3).
 *
 * <p>Build the Netty context once with {@link #newNettySslContext()} and add {@link #newHandler} first in each
 * accepted channel's pipeline. After the handshake, {@link TlsPrincipal#fromSession} gives the client
 * certificate's name.
 *
 * <p>Immutable and thread-safe; {@link #toString()} never shows passwords.
 */
public final class TlsServerConfig extends TlsSettings {
    private final ClientAuth clientAuth;

    private TlsServerConfig(Builder b) {
        super(b);
        this.clientAuth = b.clientAuth;
    }

    /** A builder: PKCS12 stores, no client authentication, JDK default protocols and ciphers. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds the Netty server context on the JDK provider. Reads the store files.
     *
     * @throws SSLException naming the store that could not be used and why
     */
    public SslContext newNettySslContext() throws SSLException {
        if (sslContext() != null) {
            return wrapProvidedContext(false, clientAuth);
        }
        return finish(SslContextBuilder.forServer(keyManagers()).sslProvider(SslProvider.JDK).clientAuth(clientAuth));
    }

    /** A handler for one accepted channel, with the configured handshake timeout. */
    public SslHandler newHandler(SslContext context, ByteBufAllocator alloc) {
        if (context.isClient()) {
            throw new IllegalArgumentException("not a server SslContext");
        }
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(handshakeTimeout().toMillis());
        return handler;
    }

    /** Client certificate policy. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    @Override
    public String toString() {
        return "TlsServerConfig[" + describe("<none>", "<none>") + ", clientAuth=" + clientAuth + describeTuning()
                + "]";
    }

    /** Builder; not thread-safe. The key store (or an SSLContext) is required. */
    public static final class Builder extends TlsSettings.Builder<Builder> {
        private ClientAuth clientAuth = ClientAuth.NONE;

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Client certificate policy (default NONE; REQUIRE for mTLS). */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /**
         * @throws IllegalStateException without a key store or SSLContext, with both, or with client
         *         authentication but no trust store
         */
        public TlsServerConfig build() {
            if (!hasSslContext() && !hasKeyStore()) {
                throw new IllegalStateException("a TLS listener needs a key store (or an SSLContext)");
            }
            if (!hasSslContext() && clientAuth != ClientAuth.NONE && !hasTrustStore()) {
                throw new IllegalStateException("clientAuth " + clientAuth
                        + " needs a trust store holding the CA of the client certificates");
            }
            return new TlsServerConfig(this);
        }
    }
}
