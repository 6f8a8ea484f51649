package io.streambus.client.security;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.streambus.security.TlsSettings;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Client TLS settings: whom to trust, optionally a client certificate (mTLS), hostname verification, protocols and
 * cipher suites. Either key/trust stores or a ready {@link SSLContext} are given, not both; with neither, the JDK's
 * default trust store ({@code cacerts}) is used.
 *
 * <p>Hostname verification is ON by default: the broker's certificate must name the host the client connected to
 * (a DNS or IP subject alternative name), as HTTPS does. Turn it off only for tests.
 *
 * <p>Use {@link #newNettySslContext()} once (it reads the store files) and {@link #newHandler} per connection.
 * Immutable and thread-safe; {@link #toString()} never shows passwords.
 */
public final class TlsConfig extends TlsSettings {
    private final boolean hostnameVerification;

    private TlsConfig(Builder b) {
        super(b);
        this.hostnameVerification = b.hostnameVerification;
    }

    /** A builder with hostname verification on, PKCS12 stores, JDK default protocols and ciphers. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a Netty client {@link SslContext} on the JDK provider. Reads the store files; call once and share.
     *
     * @throws SSLException naming the store that could not be read and why
     */
    public SslContext newNettySslContext() throws SSLException {
        if (sslContext() != null) {
            return wrapProvidedContext(true, ClientAuth.NONE);
        }
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm(hostnameVerification ? "HTTPS" : null)
                .keyManager(keyManagers());
        return finish(b);
    }

    /**
     * A handler for one connection to {@code host:port}. {@code host} is the name the certificate must carry when
     * hostname verification is on (use the configured broker host, not a resolved address); it is also sent as SNI
     * when it is a DNS name.
     *
     * @param context from {@link #newNettySslContext()} (a client context)
     */
    public SslHandler newHandler(SslContext context, ByteBufAllocator alloc, String host, int port) {
        if (!context.isClient()) {
            throw new IllegalArgumentException("not a client SslContext");
        }
        SslHandler handler = context.newHandler(alloc, host, port);
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        // Set here as well as in the builder: a user-supplied SSLContext does not carry the setting.
        params.setEndpointIdentificationAlgorithm(hostnameVerification ? "HTTPS" : null);
        engine.setSSLParameters(params);
        handler.setHandshakeTimeoutMillis(handshakeTimeout().toMillis());
        return handler;
    }

    /** True (default) when the broker certificate must match the host name connected to. */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    @Override
    public String toString() {
        return "TlsConfig[" + describe("<JDK default>", "<none>") + ", hostnameVerification=" + hostnameVerification
                + describeTuning() + "]";
    }

    /** Builder; not thread-safe. */
    public static final class Builder extends TlsSettings.Builder<Builder> {
        private boolean hostnameVerification = true;

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Hostname verification (default true). */
        public Builder hostnameVerification(boolean enabled) {
            this.hostnameVerification = enabled;
            return this;
        }

        /**
         * @throws IllegalStateException when an SSLContext is combined with key or trust stores
         */
        public TlsConfig build() {
            return new TlsConfig(this);
        }
    }
}
