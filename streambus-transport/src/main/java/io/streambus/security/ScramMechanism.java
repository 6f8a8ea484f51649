package io.streambus.security;

import java.util.Optional;

/**
 * The two SCRAM variants of spec B.5.2, with the JDK algorithm names each one uses.
 *
 * <p>Iteration bounds: brokers MUST use at least {@value #MIN_ITERATIONS} (RFC 7677, spec B.5.2) and a client aborts
 * when offered fewer. A client also refuses more than {@value #MAX_ITERATIONS}, so that a hostile server cannot make
 * it spin for minutes in PBKDF2.
 */
public enum ScramMechanism {
    SCRAM_SHA_256(SaslMechanisms.SCRAM_SHA_256, "SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 32),
    SCRAM_SHA_512(SaslMechanisms.SCRAM_SHA_512, "SHA-512", "HmacSHA512", "PBKDF2WithHmacSHA512", 64);

    /** Lowest iteration count accepted anywhere (RFC 7677 section 4, spec B.5.2). */
    public static final int MIN_ITERATIONS = 4096;
    /** Highest iteration count a client accepts and a users file may hold. */
    public static final int MAX_ITERATIONS = 1_000_000;

    private final String mechanismName;
    private final String hashAlgorithm;
    private final String macAlgorithm;
    private final String pbkdf2Algorithm;
    private final int keyLength;

    ScramMechanism(String mechanismName, String hashAlgorithm, String macAlgorithm, String pbkdf2Algorithm,
            int keyLength) {
        this.mechanismName = mechanismName;
        this.hashAlgorithm = hashAlgorithm;
        this.macAlgorithm = macAlgorithm;
        this.pbkdf2Algorithm = pbkdf2Algorithm;
        this.keyLength = keyLength;
    }

    /** IANA SASL name sent in SaslHandshake, e.g. {@code SCRAM-SHA-256}. */
    public String mechanismName() {
        return mechanismName;
    }

    /** JDK {@link java.security.MessageDigest} name of H(). */
    public String hashAlgorithm() {
        return hashAlgorithm;
    }

    /** JDK {@link javax.crypto.Mac} name of HMAC(). */
    public String macAlgorithm() {
        return macAlgorithm;
    }

    /** JDK {@link javax.crypto.SecretKeyFactory} name used for Hi(). */
    public String pbkdf2Algorithm() {
        return pbkdf2Algorithm;
    }

    /** Output length of H() and HMAC() in bytes (32 or 64): the length of keys, proofs and signatures. */
    public int keyLength() {
        return keyLength;
    }

    /** The mechanism with this exact IANA name, or empty (PLAIN and unknown names). */
    public static Optional<ScramMechanism> forName(String name) {
        for (ScramMechanism m : values()) {
            if (m.mechanismName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return mechanismName;
    }
}
