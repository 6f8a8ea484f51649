package io.streambus.broker.security;

import io.streambus.security.ScramCrypto;
import io.streambus.security.ScramMechanism;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * What the broker keeps for one user and one SCRAM mechanism: salt, iteration count, StoredKey and ServerKey
 * (RFC 5802 section 3; spec B.5.3 requires ServerKey as well). Never the password.
 *
 * <p>File form: {@code <base64 salt>:<iterations>:<base64 StoredKey>:<base64 ServerKey>}.
 *
 * <p>Immutable and thread-safe; accessors return copies.
 */
public final class ScramCredential {
    /** Salt length of generated credentials (the reference uses 16 bytes too). */
    public static final int SALT_LENGTH = 16;
    /**
     * Most iterations the broker accepts in a stored credential (Kafka's bound too). A PLAIN login costs one PBKDF2
     * of the stored count, whoever asks, so an unbounded count would let any client burn broker CPU; the users file
     * loader and {@link UsersTool} refuse more. Clients accept up to {@link ScramMechanism#MAX_ITERATIONS}.
     */
    public static final int MAX_ITERATIONS = 16_384;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramMechanism mechanism;
    private final byte[] salt;
    private final int iterations;
    private final byte[] storedKey;
    private final byte[] serverKey;

    private ScramCredential(ScramMechanism mechanism, byte[] salt, int iterations, byte[] storedKey,
            byte[] serverKey) {
        this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
        if (salt.length == 0) {
            throw new IllegalArgumentException("salt must not be empty");
        }
        if (iterations < ScramMechanism.MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between " + ScramMechanism.MIN_ITERATIONS
                    + " and " + MAX_ITERATIONS + ", got " + iterations);
        }
        if (storedKey.length != mechanism.keyLength() || serverKey.length != mechanism.keyLength()) {
            throw new IllegalArgumentException("StoredKey and ServerKey must be " + mechanism.keyLength()
                    + " bytes for " + mechanism);
        }
        this.salt = salt.clone();
        this.iterations = iterations;
        this.storedKey = storedKey.clone();
        this.serverKey = serverKey.clone();
    }

    /** Derives the credential from a password with a given salt (tests, e.g. RFC 7677's salt). */
    public static ScramCredential derive(ScramMechanism mechanism, char[] password, byte[] salt, int iterations) {
        byte[] salted = ScramCrypto.saltedPassword(mechanism, password, salt, iterations);
        try {
            byte[] clientKey = ScramCrypto.clientKey(mechanism, salted);
            return new ScramCredential(mechanism, salt, iterations, ScramCrypto.storedKey(mechanism, clientKey),
                    ScramCrypto.serverKey(mechanism, salted));
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /** Derives the credential from a password with a fresh random {@value #SALT_LENGTH}-byte salt. */
    public static ScramCredential generate(ScramMechanism mechanism, char[] password, int iterations) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return derive(mechanism, password, salt, iterations);
    }

    /** A credential from its parts (e.g. imported from another system). */
    public static ScramCredential of(ScramMechanism mechanism, byte[] salt, int iterations, byte[] storedKey,
            byte[] serverKey) {
        return new ScramCredential(mechanism, salt, iterations, storedKey, serverKey);
    }

    /**
     * Parses the file form.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static ScramCredential decode(ScramMechanism mechanism, String value) {
        String[] parts = value.split(":", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("expected salt:iterations:storedKey:serverKey, got " + parts.length
                    + " fields");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iterations is not a number: '" + parts[1] + "'");
        }
        return new ScramCredential(mechanism, b64(parts[0], "salt"), iterations, b64(parts[2], "storedKey"),
                b64(parts[3], "serverKey"));
    }

    private static byte[] b64(String s, String what) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64");
        }
    }

    /** The file form {@code salt:iterations:storedKey:serverKey} (base64 fields). */
    public String encode() {
        Base64.Encoder e = Base64.getEncoder();
        return e.encodeToString(salt) + ":" + iterations + ":" + e.encodeToString(storedKey) + ":"
                + e.encodeToString(serverKey);
    }

    /**
     * PLAIN verification: recomputes the salted password with this salt and iteration count, derives StoredKey and
     * compares in constant time. Costs one PBKDF2 ({@link #iterations()} HMACs).
     */
    public boolean verifyPassword(char[] password) {
        if (password.length == 0) {
            return false;
        }
        byte[] salted = ScramCrypto.saltedPassword(mechanism, password, salt, iterations);
        byte[] clientKey = ScramCrypto.clientKey(mechanism, salted);
        try {
            return ScramCrypto.constantTimeEquals(ScramCrypto.storedKey(mechanism, clientKey), storedKey);
        } finally {
            Arrays.fill(salted, (byte) 0);
            Arrays.fill(clientKey, (byte) 0);
        }
    }

    public ScramMechanism mechanism() {
        return mechanism;
    }

    public byte[] salt() {
        return salt.clone();
    }

    public int iterations() {
        return iterations;
    }

    public byte[] storedKey() {
        return storedKey.clone();
    }

    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredential c && c.mechanism == mechanism && c.iterations == iterations
                && Arrays.equals(c.salt, salt) && Arrays.equals(c.storedKey, storedKey)
                && Arrays.equals(c.serverKey, serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mechanism, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    /** Mechanism and iterations only; key material is not printed. */
    @Override
    public String toString() {
        return "ScramCredential[" + mechanism + ", iterations=" + iterations + "]";
    }
}
