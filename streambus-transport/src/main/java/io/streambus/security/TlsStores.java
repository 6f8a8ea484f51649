package io.streambus.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loads key and trust stores for TLS on both sides, turning every problem (missing file, wrong password, wrong
 * type, unusable key) into an {@link SSLException} that names the file. Stateless and thread-safe.
 */
public final class TlsStores {
    private TlsStores() {
    }

    /** A trust manager factory (default algorithm, PKIX) over the store's certificates. */
    public static TrustManagerFactory trustManagerFactory(Path path, String type, char[] password)
            throws SSLException {
        KeyStore ks = load(path, type, password, "trust store");
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot use trust store " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A key manager factory (default algorithm) over the store's private key entries.
     *
     * @param keyPassword the key entries' password, or null when it equals {@code storePassword}
     */
    public static KeyManagerFactory keyManagerFactory(Path path, String type, char[] storePassword,
            char[] keyPassword) throws SSLException {
        KeyStore ks = load(path, type, storePassword, "key store");
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, keyPassword != null ? keyPassword : storePassword);
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot use key store " + path + ": " + e.getMessage(), e);
        }
    }

    /** Loads a store file; {@code what} ("key store", "trust store") appears in error messages. */
    public static KeyStore load(Path path, String type, char[] password, String what) throws SSLException {
        if (!Files.isReadable(path)) {
            throw new SSLException(what + " " + path + " does not exist or is not readable");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new SSLException("cannot load " + what + " " + path + " (type " + type + "): " + e.getMessage(), e);
        }
    }
}
