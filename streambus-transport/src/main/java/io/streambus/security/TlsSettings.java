package io.streambus.security;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the client's {@code TlsConfig} and the broker's {@code TlsServerConfig} have in common: key and trust stores
 * or a ready {@link SSLContext}, protocols, cipher suites and the handshake timeout. Immutable and thread-safe;
 * passwords are never shown by {@code toString()}.
 */
public abstract class TlsSettings {
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
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final Duration handshakeTimeout;

    protected TlsSettings(Builder<?> b) {
        if (b.sslContext != null && (b.trustStorePath != null || b.keyStorePath != null)) {
            throw new IllegalStateException("give either an SSLContext or key/trust stores, not both");
        }
        this.trustStorePath = b.trustStorePath;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.keyStorePath = b.keyStorePath;
        this.keyStorePassword = b.keyStorePassword;
        this.keyPassword = b.keyPassword;
        this.keyStoreType = b.keyStoreType;
        this.sslContext = b.sslContext;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.handshakeTimeout = b.handshakeTimeout;
    }

    /** Trust store file, or null. */
    public Path trustStorePath() {
        return trustStorePath;
    }

    /** Trust store type, e.g. {@code PKCS12}. */
    public String trustStoreType() {
        return trustStoreType;
    }

    /** Key store file, or null. */
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

    /** The provided {@link SSLContext} as a Netty context with these protocols and ciphers. */
    protected SslContext wrapProvidedContext(boolean client, ClientAuth clientAuth) {
        return new JdkSslContext(sslContext, client, cipherSuites, IdentityCipherSuiteFilter.INSTANCE,
                ApplicationProtocolConfig.DISABLED, clientAuth,
                protocols == null ? null : protocols.toArray(String[]::new), false);
    }

    /** Key managers from the key store, or null without one. */
    protected KeyManagerFactory keyManagers() throws SSLException {
        return keyStorePath == null ? null
                : TlsStores.keyManagerFactory(keyStorePath, keyStoreType, keyStorePassword, keyPassword);
    }

    /** Adds the trust store, protocols and ciphers to a Netty builder, then builds it. */
    protected SslContext finish(SslContextBuilder b) throws SSLException {
        if (trustStorePath != null) {
            b.trustManager(trustManagers());
        }
        if (protocols != null) {
            b.protocols(protocols);
        }
        if (cipherSuites != null) {
            b.ciphers(cipherSuites);
        }
        return b.build();
    }

    private TrustManagerFactory trustManagers() throws SSLException {
        return TlsStores.trustManagerFactory(trustStorePath, trustStoreType, trustStorePassword);
    }

    /** The shared part of {@code toString()}: stores (never passwords) or the SSLContext's protocol. */
    protected String describe(String noTrustStore, String noKeyStore) {
        return sslContext != null ? "sslContext=" + sslContext.getProtocol()
                : "trustStore=" + (trustStorePath == null ? noTrustStore : trustStorePath + " (" + trustStoreType + ")")
                        + ", keyStore=" + (keyStorePath == null ? noKeyStore : keyStorePath + " (" + keyStoreType + ")");
    }

    /** The protocol, cipher and timeout part of {@code toString()}. */
    protected String describeTuning() {
        return (protocols == null ? "" : ", protocols=" + protocols)
                + (cipherSuites == null ? "" : ", cipherSuites=" + cipherSuites)
                + ", handshakeTimeout=" + handshakeTimeout;
    }

    /** Common builder settings; not thread-safe. */
    public abstract static class Builder<B extends Builder<B>> {
        private Path trustStorePath;
        private char[] trustStorePassword;
        private String trustStoreType = "PKCS12";
        private Path keyStorePath;
        private char[] keyStorePassword;
        private char[] keyPassword;
        private String keyStoreType = "PKCS12";
        private SSLContext sslContext;
        private List<String> protocols;
        private List<String> cipherSuites;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        protected Builder() {
        }

        protected abstract B self();

        /** Trust store with the CA certificate(s) to trust. Password may be null. */
        public B trustStore(Path path, char[] password) {
            this.trustStorePath = Objects.requireNonNull(path, "path");
            this.trustStorePassword = password == null ? null : password.clone();
            return self();
        }

        /** Trust store type (default {@code PKCS12}; {@code JKS} also works). */
        public B trustStoreType(String type) {
            this.trustStoreType = Objects.requireNonNull(type, "type");
            return self();
        }

        /** Key store with this side's private key and certificate chain. Password may be null. */
        public B keyStore(Path path, char[] password) {
            this.keyStorePath = Objects.requireNonNull(path, "path");
            this.keyStorePassword = password == null ? null : password.clone();
            return self();
        }

        /** Key store type (default {@code PKCS12}). */
        public B keyStoreType(String type) {
            this.keyStoreType = Objects.requireNonNull(type, "type");
            return self();
        }

        /** Password of the private key entry when it differs from the key store password. */
        public B keyPassword(char[] password) {
            this.keyPassword = password == null ? null : password.clone();
            return self();
        }

        /** A ready, initialized SSLContext; excludes the store settings. */
        public B sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return self();
        }

        /** Enabled protocols, e.g. {@code TLSv1.3}; default: the JDK's. */
        public B protocols(String... protocols) {
            this.protocols = protocols.length == 0 ? null : List.of(protocols);
            return self();
        }

        /** Enabled cipher suites; default: the JDK's. */
        public B cipherSuites(String... suites) {
            this.cipherSuites = suites.length == 0 ? null : List.of(suites);
            return self();
        }

        /** TLS handshake timeout (default 10 s); must be positive. */
        public B handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshake timeout must be positive, got " + timeout);
            }
            this.handshakeTimeout = timeout;
            return self();
        }

        protected boolean hasSslContext() {
            return sslContext != null;
        }

        protected boolean hasKeyStore() {
            return keyStorePath != null;
        }

        protected boolean hasTrustStore() {
            return trustStorePath != null;
        }
    }
}
