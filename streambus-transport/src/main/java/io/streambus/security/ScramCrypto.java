package io.streambus.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM key derivations of RFC 5802 section 3, on the JDK's crypto providers. Stateless and thread-safe.
 *
 * <pre>
 * SaltedPassword  = Hi(password, salt, i)            (PBKDF2 with HMAC-H, dkLen = H output length)
 * ClientKey       = HMAC(SaltedPassword, "Client Key")
 * StoredKey       = H(ClientKey)
 * ServerKey       = HMAC(SaltedPassword, "Server Key")
 * ClientSignature = HMAC(StoredKey, AuthMessage)
 * ClientProof     = ClientKey XOR ClientSignature
 * ServerSignature = HMAC(ServerKey, AuthMessage)
 * </pre>
 *
 * No SASLprep is applied (spec B.5.2): the password's chars are encoded as UTF-8 by the JDK's PBKDF2.
 */
public final class ScramCrypto {
    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private ScramCrypto() {
    }

    /**
     * Hi(password, salt, iterations): PBKDF2 with the mechanism's HMAC. Costs {@code iterations} HMACs.
     *
     * @throws IllegalArgumentException for an empty password or salt, or iterations below 1
     */
    public static byte[] saltedPassword(ScramMechanism mechanism, char[] password, byte[] salt, int iterations) {
        if (password.length == 0) {
            throw new IllegalArgumentException("password must not be empty");
        }
        if (salt.length == 0) {
            throw new IllegalArgumentException("salt must not be empty");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive, got " + iterations);
        }
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, mechanism.keyLength() * 8);
        try {
            return SecretKeyFactory.getInstance(mechanism.pbkdf2Algorithm()).generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw missing(mechanism.pbkdf2Algorithm(), e);
        } finally {
            spec.clearPassword();
        }
    }

    /** ClientKey = HMAC(SaltedPassword, "Client Key"). */
    public static byte[] clientKey(ScramMechanism mechanism, byte[] saltedPassword) {
        return hmac(mechanism, saltedPassword, CLIENT_KEY);
    }

    /** ServerKey = HMAC(SaltedPassword, "Server Key"). */
    public static byte[] serverKey(ScramMechanism mechanism, byte[] saltedPassword) {
        return hmac(mechanism, saltedPassword, SERVER_KEY);
    }

    /** StoredKey = H(ClientKey). */
    public static byte[] storedKey(ScramMechanism mechanism, byte[] clientKey) {
        return hash(mechanism, clientKey);
    }

    /** ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage). */
    public static byte[] clientProof(ScramMechanism mechanism, byte[] clientKey, byte[] authMessage) {
        byte[] storedKey = storedKey(mechanism, clientKey);
        return xor(clientKey, hmac(mechanism, storedKey, authMessage));
    }

    /** ServerSignature = HMAC(ServerKey, AuthMessage). */
    public static byte[] serverSignature(ScramMechanism mechanism, byte[] serverKey, byte[] authMessage) {
        return hmac(mechanism, serverKey, authMessage);
    }

    /**
     * Server-side proof check: recovers ClientKey = proof XOR HMAC(StoredKey, AuthMessage) and compares H(ClientKey)
     * with StoredKey in constant time. A proof of the wrong length is simply false.
     */
    public static boolean verifyClientProof(ScramMechanism mechanism, byte[] storedKey, byte[] authMessage,
            byte[] proof) {
        byte[] clientSignature = hmac(mechanism, storedKey, authMessage);
        if (proof.length != clientSignature.length) {
            return false;
        }
        byte[] clientKey = xor(proof, clientSignature);
        return constantTimeEquals(hash(mechanism, clientKey), storedKey);
    }

    /** HMAC(key, data) with the mechanism's hash. */
    public static byte[] hmac(ScramMechanism mechanism, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(mechanism.macAlgorithm());
            mac.init(new SecretKeySpec(key, mechanism.macAlgorithm()));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw missing(mechanism.macAlgorithm(), e);
        }
    }

    /** H(data). */
    public static byte[] hash(ScramMechanism mechanism, byte[] data) {
        try {
            return MessageDigest.getInstance(mechanism.hashAlgorithm()).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw missing(mechanism.hashAlgorithm(), e);
        }
    }

    /** Comparison whose time does not depend on where the arrays differ ({@link MessageDigest#isEqual}). */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("length mismatch " + a.length + " != " + b.length);
        }
        byte[] out = Arrays.copyOf(a, a.length);
        for (int i = 0; i < out.length; i++) {
            out[i] ^= b[i];
        }
        return out;
    }

    private static IllegalStateException missing(String algorithm, GeneralSecurityException e) {
        // Every Java SE runtime must provide these algorithms; reaching this means a broken JDK/provider setup.
        return new IllegalStateException("JDK crypto algorithm unavailable: " + algorithm, e);
    }
}
