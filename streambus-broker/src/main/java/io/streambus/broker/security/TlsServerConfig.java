package io.streambus.broker.security;

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
public final class TlsServerConfig {
    /** Default TLS handshake timeout. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Path keyStorePath;
    private final char[] keyStorePassword;
    private final char[] keyPassword;
    private final String keyStoreType;
    private final Path trustStorePath;
    private final char[] trustStorePassword;
    private final String trustStoreType;
    private final SSLContext sslContext;
    private final ClientAuth clientAuth;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final Duration handshakeTimeout;

    private TlsServerConfig(Builder b) {
        this.keyStorePath = b.keyStorePath;
        this.keyStorePassword = b.keyStorePassword;
        this.keyPassword = b.keyPassword;
        this.keyStoreType = b.keyStoreType;
        this.trustStorePath = b.trustStorePath;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.sslContext = b.sslContext;
        this.clientAuth = b.clientAuth;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.handshakeTimeout = b.handshakeTimeout;
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
        String[] protos = protocols == null ? null : protocols.toArray(String[]::new);
        if (sslContext != null) {
            return new JdkSslContext(sslContext, false, cipherSuites, IdentityCipherSuiteFilter.INSTANCE,
                    ApplicationProtocolConfig.DISABLED, clientAuth, protos, false);
        }
        SslContextBuilder b = SslContextBuilder.forServer(
                        TlsStores.keyManagerFactory(keyStorePath, keyStoreType, keyStorePassword, keyPassword))
                .sslProvider(SslProvider.JDK)
                .clientAuth(clientAuth);
        if (trustStorePath != null) {
            b.trustManager(TlsStores.trustManagerFactory(trustStorePath, trustStoreType, trustStorePassword));
        }
        if (protos != null) {
            b.protocols(protos);
        }
        if (cipherSuites != null) {
            b.ciphers(cipherSuites);
        }
        return b.build();
    }

    /** A handler for one accepted channel, with the configured handshake timeout. */
    public SslHandler newHandler(SslContext context, ByteBufAllocator alloc) {
        if (context.isClient()) {
            throw new IllegalArgumentException("not a server SslContext");
        }
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        return handler;
    }

    /** Client certificate policy. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** Server key store, or null when an SSLContext was given. */
    public Path keyStorePath() {
        return keyStorePath;
    }

    /** Trust store for client certificates, or null. */
    public Path trustStorePath() {
        return trustStorePath;
    }

    /** Handshake timeout. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    @Override
    public String toString() {
        return "TlsServerConfig[" + (sslContext != null ? "sslContext=" + sslContext.getProtocol()
                : "keyStore=" + keyStorePath + " (" + keyStoreType + ")" + ", trustStore="
                        + (trustStorePath == null ? "<none>" : trustStorePath + " (" + trustStoreType + ")"))
                + ", clientAuth=" + clientAuth
                + (protocols == null ? "" : ", protocols=" + protocols)
                + (cipherSuites == null ? "" : ", cipherSuites=" + cipherSuites)
                + ", handshakeTimeout=" + handshakeTimeout + "]";
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private Path keyStorePath;
        private char[] keyStorePassword;
        private char[] keyPassword;
        private String keyStoreType = "PKCS12";
        private Path trustStorePath;
        private char[] trustStorePassword;
        private String trustStoreType = "PKCS12";
        private SSLContext sslContext;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<String> protocols;
        private List<String> cipherSuites;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder() {
        }

        /** Key store with the broker's private key and certificate chain (required unless an SSLContext is given). */
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

        /** Password of the key entry when it differs from the store password. */
        public Builder keyPassword(char[] password) {
            this.keyPassword = password == null ? null : password.clone();
            return this;
        }

        /** Trust store with the CA(s) whose client certificates are accepted (required for OPTIONAL/REQUIRE). */
        public Builder trustStore(Path path, char[] password) {
            this.trustStorePath = Objects.requireNonNull(path, "path");
            this.trustStorePassword = password == null ? null : password.clone();
            return this;
        }

        /** Trust store type (default {@code PKCS12}). */
        public Builder trustStoreType(String type) {
            this.trustStoreType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** A ready, initialized server SSLContext instead of stores. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Client certificate policy (default NONE; REQUIRE for mTLS). */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /** Enabled protocols; default: the JDK's. */
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
         * @throws IllegalStateException without a key store or SSLContext, with both, or with client
         *         authentication but no trust store
         */
        public TlsServerConfig build() {
            if (sslContext != null && (keyStorePath != null || trustStorePath != null)) {
                throw new IllegalStateException("give either an SSLContext or key/trust stores, not both");
            }
            if (sslContext == null && keyStorePath == null) {
                throw new IllegalStateException("a TLS listener needs a key store (or an SSLContext)");
            }
            if (sslContext == null && clientAuth != ClientAuth.NONE && trustStorePath == null) {
                throw new IllegalStateException("clientAuth " + clientAuth
                        + " needs a trust store holding the CA of the client certificates");
            }
            return new TlsServerConfig(this);
        }
    }
}
