package io.streambus.client.security;

import io.streambus.security.PlainClient;
import io.streambus.security.SaslClientSession;
import io.streambus.security.SaslMechanisms;
import io.streambus.security.ScramClient;
import io.streambus.security.ScramMechanism;
import java.util.Objects;

/**
 * SASL credentials of a client (spec B.5): mechanism, user name and password. With a {@code SaslConfig} configured
 * the client authenticates every connection to an extended broker and never falls back to an unauthenticated one.
 *
 * <p>Mechanisms: {@link SaslMechanisms#SCRAM_SHA_256} and {@link SaslMechanisms#SCRAM_SHA_512} (the password never
 * leaves the client) or {@link SaslMechanisms#PLAIN} (the password is sent in clear: use it only with TLS).
 *
 * <p>Immutable and thread-safe. The password is kept as a private copy and is never part of {@link #toString()}.
 */
public final class SaslConfig {
    private final String mechanism;
    private final String username;
    private final char[] password;

    private SaslConfig(String mechanism, String username, char[] password) {
        this.mechanism = mechanism;
        this.username = username;
        this.password = password;
    }

    /**
     * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512} (exact case)
     * @param username non-empty, without NUL
     * @param password non-empty; copied
     * @throws IllegalArgumentException naming the invalid argument
     */
    public static SaslConfig of(String mechanism, String username, char[] password) {
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (!SaslMechanisms.isSupported(mechanism)) {
            throw new IllegalArgumentException("unsupported SASL mechanism '" + mechanism + "' (supported: "
                    + String.join(", ", SaslMechanisms.ALL) + ")");
        }
        if (username.isEmpty() || username.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("SASL user name must be non-empty and contain no NUL");
        }
        if (password.length == 0) {
            throw new IllegalArgumentException("SASL password must be non-empty");
        }
        return new SaslConfig(mechanism, username, password.clone());
    }

    /** PLAIN credentials (send only over TLS). */
    public static SaslConfig plain(String username, String password) {
        return of(SaslMechanisms.PLAIN, username, password.toCharArray());
    }

    /** SCRAM-SHA-256 credentials. */
    public static SaslConfig scramSha256(String username, String password) {
        return of(SaslMechanisms.SCRAM_SHA_256, username, password.toCharArray());
    }

    /** SCRAM-SHA-512 credentials. */
    public static SaslConfig scramSha512(String username, String password) {
        return of(SaslMechanisms.SCRAM_SHA_512, username, password.toCharArray());
    }

    /** The IANA mechanism name to select with SaslHandshake. */
    public String mechanism() {
        return mechanism;
    }

    /** The user name (authcid), which becomes the principal on the broker. */
    public String username() {
        return username;
    }

    /** A copy of the password; callers should wipe it when done. */
    public char[] password() {
        return password.clone();
    }

    /** A new client-side exchange for one connection. */
    public SaslClientSession newSession() {
        if (SaslMechanisms.PLAIN.equals(mechanism)) {
            return new PlainClient(username, password);
        }
        ScramMechanism scram = ScramMechanism.forName(mechanism).orElseThrow();
        return new ScramClient(scram, username, password);
    }

    /** Shows mechanism and user name; the password is always masked. */
    @Override
    public String toString() {
        return "SaslConfig[mechanism=" + mechanism + ", username=" + username + ", password=******]";
    }
}
