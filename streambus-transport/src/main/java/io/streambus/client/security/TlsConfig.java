package io.streambus.client.security;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.streambus.security.TlsStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
public final class TlsConfig {
    /** Default TLS handshake timeout. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Path trustStorePath;
    private final char[] trustStorePassword;
    private final String trustStoreType;
    private final Path keyStorePath;
    private final char[] keyStorePassword;
    private final char[] keyPassword;
    private final String keyStoreType;
    private final SSLContext sslContext;
    private final boolean hostnameVerification;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final Duration handshakeTimeout;

    private TlsConfig(Builder b) {
        this.trustStorePath = b.trustStorePath;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.keyStorePath = b.keyStorePath;
        this.keyStorePassword = b.keyStorePassword;
        this.keyPassword = b.keyPassword;
        this.keyStoreType = b.keyStoreType;
        this.sslContext = b.sslContext;
        this.hostnameVerification = b.hostnameVerification;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.handshakeTimeout = b.handshakeTimeout;
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
        if (sslContext != null) {
            return new JdkSslContext(sslContext, true, cipherSuites, IdentityCipherSuiteFilter.INSTANCE,
                    ApplicationProtocolConfig.DISABLED, ClientAuth.NONE,
                    protocols == null ? null : protocols.toArray(String[]::new), false);
        }
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm(hostnameVerification ? "HTTPS" : null);
        if (trustStorePath != null) {
            b.trustManager(TlsStores.trustManagerFactory(trustStorePath, trustStoreType, trustStorePassword));
        }
        if (keyStorePath != null) {
            b.keyManager(TlsStores.keyManagerFactory(keyStorePath, keyStoreType, keyStorePassword, keyPassword));
        }
        if (protocols != null) {
            b.protocols(protocols);
        }
        if (cipherSuites != null) {
            b.ciphers(cipherSuites);
        }
        return b.build();
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
        handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        return handler;
    }

    /** Trust store file, or null (JDK default trust, or the provided SSLContext). */
    public Path trustStorePath() {
        return trustStorePath;
    }

    /** Trust store type, e.g. {@code PKCS12}. */
    public String trustStoreType() {
        return trustStoreType;
    }

    /** Key store with the client certificate for mTLS, or null. */
    public Path keyStorePath() {
        return keyStorePath;
    }

    /** Key store type, e.g. {@code PKCS12}. */
    public String keyStoreType() {
        return keyStoreType;
    }

    /** The provided SSLContext, or null. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** True (default) when the broker certificate must match the host name connected to. */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** Enabled protocols, or null for the JDK defaults. */
    public List<String> protocols() {
        return protocols;
    }

    /** Enabled cipher suites, or null for the JDK defaults. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** Handshake timeout applied to every handler. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    @Override
    public String toString() {
        return "TlsConfig[" + (sslContext != null ? "sslContext=" + sslContext.getProtocol()
                : "trustStore=" + (trustStorePath == null ? "<JDK default>" : trustStorePath + " (" + trustStoreType + ")")
                        + ", keyStore=" + (keyStorePath == null ? "<none>" : keyStorePath + " (" + keyStoreType + ")"))
                + ", hostnameVerification=" + hostnameVerification
                + (protocols == null ? "" : ", protocols=" + protocols)
                + (cipherSuites == null ? "" : ", cipherSuites=" + cipherSuites)
                + ", handshakeTimeout=" + handshakeTimeout + "]";
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private Path trustStorePath;
        private char[] trustStorePassword;
        private String trustStoreType = "PKCS12";
        private Path keyStorePath;
        private char[] keyStorePassword;
        private char[] keyPassword;
        private String keyStoreType = "PKCS12";
        private SSLContext sslContext;
        private boolean hostnameVerification = true;
        private List<String> protocols;
        private List<String> cipherSuites;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder() {
        }

        /** Trust store holding the CA certificate(s) that signed the broker's certificate. Password may be null. */
        public Builder trustStore(Path path, char[] password) {
            this.trustStorePath = Objects.requireNonNull(path, "path");
            this.trustStorePassword = password == null ? null : password.clone();
            return this;
        }

        /** Trust store type (default {@code PKCS12}; {@code JKS} also works). */
        public Builder trustStoreType(String type) {
            this.trustStoreType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** Key store with the client's private key and certificate chain, for mTLS. */
        public Builder keyStore(Path path, char[] password) {
            this.keyStorePath = Objects.requireNonNull(path, "path");
            this.keyStorePassword = password == null ? null : password.clone();
            return this;
        }

        /** Key store type (default {@code PKCS12}). */
        public Builder keyStoreType(String type) {
            this.keyStoreType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** Password of the private key entry when it differs from the key store password. */
        public Builder keyPassword(char[] password) {
            this.keyPassword = password == null ? null : password.clone();
            return this;
        }

        /** A ready-made, initialized client SSLContext; excludes the store settings. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Hostname verification (default true). */
        public Builder hostnameVerification(boolean enabled) {
            this.hostnameVerification = enabled;
            return this;
        }

        /** Enabled protocols, e.g. {@code TLSv1.3}; default: the JDK's. */
        public Builder protocols(String... protocols) {
            this.protocols = protocols.length == 0 ? null : List.of(protocols);
            return this;
        }

        /** Enabled cipher suites; default: the JDK's. */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = suites.length == 0 ? null : List.of(suites);
            return this;
        }

        /** TLS handshake timeout (default 10 s); must be positive. */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshake timeout must be positive, got " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * @throws IllegalStateException when an SSLContext is combined with key or trust stores
         */
        public TlsConfig build() {
            if (sslContext != null && (trustStorePath != null || keyStorePath != null)) {
                throw new IllegalStateException("give either an SSLContext or key/trust stores, not both");
            }
            return new TlsConfig(this);
        }
    }
}
