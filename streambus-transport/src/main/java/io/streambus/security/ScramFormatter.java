package io.streambus.security;

import static io.streambus.security.SaslAuthenticationException.AUTHENTICATION_FAILED;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Builds and parses the four SCRAM messages exactly as spec B.5.2 restricts RFC 5802. Stateless and thread-safe.
 *
 * <ul>
 *   <li>GS2 header exactly {@code n,,}: channel binding ({@code y}, {@code p=}) or an authzid ({@code a=}) is
 *       refused;</li>
 *   <li>attributes in the RFC's order; the mandatory-extension attribute {@code m=} is refused anywhere, other
 *       extensions are ignored;</li>
 *   <li>user names escape {@code =} as {@code =3D} and {@code ,} as {@code =2C}; any other {@code =} sequence is
 *       refused;</li>
 *   <li>nonces are printable ASCII 0x21–0x7E without {@code ,};</li>
 *   <li>salt, proof and signature are canonical standard base64 with padding; iterations are decimal ASCII.</li>
 * </ul>
 *
 * Every parse failure is a {@link SaslAuthenticationException} with code 40 whose message names the problem (never
 * a secret).
 */
public final class ScramFormatter {
    /** GS2 header without channel binding and without authzid, the only one allowed (spec B.5.2). */
    public static final String GS2_HEADER = "n,,";
    /** base64("n,,"): the only channel-binding value a client-final-message may carry. */
    public static final String CHANNEL_BINDING = "biws";
    /** Bytes of randomness in a generated nonce (192 bits; the spec asks for at least 128). */
    public static final int NONCE_BYTES = 24;
    /** Upper bound on a single SCRAM message; far above anything legitimate, it keeps parsing cheap. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024;

    private ScramFormatter() {
    }

    /** Parsed client-first-message. {@code username} is decoded; {@code bare} is the message without its GS2 header. */
    public record ClientFirstMessage(String username, String nonce, String bare) {
    }

    /** Parsed server-first-message; {@code text} is the message as received (part of AuthMessage). */
    public record ServerFirstMessage(String nonce, byte[] salt, int iterations, String text) {
    }

    /** Parsed client-final-message; {@code withoutProof} is the part that enters AuthMessage. */
    public record ClientFinalMessage(String channelBinding, String nonce, byte[] proof, String withoutProof) {
    }

    /** Parsed server-final-message: either a verifier ({@code signature}) or an RFC 5802 {@code e=} error. */
    public record ServerFinalMessage(byte[] signature, String error) {
    }

    // ---------------------------------------------------------------- formatting

    /** {@code n,,n=<escaped user>,r=<nonce>}. */
    public static String clientFirstMessage(String username, String nonce) {
        return GS2_HEADER + clientFirstMessageBare(username, nonce);
    }

    /** {@code n=<escaped user>,r=<nonce>}. */
    public static String clientFirstMessageBare(String username, String nonce) {
        return "n=" + escapeUsername(username) + ",r=" + checkNonce(nonce);
    }

    /** {@code r=<nonce>,s=<base64 salt>,i=<iterations>}. */
    public static String serverFirstMessage(String nonce, byte[] salt, int iterations) {
        return "r=" + checkNonce(nonce) + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
    }

    /** {@code c=biws,r=<nonce>}. */
    public static String clientFinalMessageWithoutProof(String nonce) {
        return "c=" + CHANNEL_BINDING + ",r=" + checkNonce(nonce);
    }

    /** {@code <without proof>,p=<base64 proof>}. */
    public static String clientFinalMessage(String withoutProof, byte[] proof) {
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** {@code v=<base64 signature>}. */
    public static String serverFinalMessage(byte[] serverSignature) {
        return "v=" + Base64.getEncoder().encodeToString(serverSignature);
    }

    /** AuthMessage = client-first-bare "," server-first "," client-final-without-proof, as UTF-8 bytes. */
    public static byte[] authMessage(String clientFirstBare, String serverFirst, String clientFinalWithoutProof) {
        return (clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof).getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh nonce: {@value #NONCE_BYTES} random bytes in base64 (printable, no comma). */
    public static String randomNonce(SecureRandom random) {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Writes {@code =} as {@code =3D} and {@code ,} as {@code =2C}. */
    public static String escapeUsername(String username) {
        if (username.isEmpty()) {
            throw new IllegalArgumentException("user name must not be empty");
        }
        if (username.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("user name must not contain NUL");
        }
        return username.replace("=", "=3D").replace(",", "=2C");
    }

    /**
     * Reverses {@link #escapeUsername}; any {@code =} not followed by {@code 2C} or {@code 3D}, an empty name and a NUL
     * are refused.
     */
    public static String unescapeUsername(String saslName) throws SaslAuthenticationException {
        if (saslName.isEmpty()) {
            throw fail("empty user name");
        }
        StringBuilder sb = new StringBuilder(saslName.length());
        for (int i = 0; i < saslName.length(); i++) {
            char c = saslName.charAt(i);
            if (c == '\0') {
                throw fail("user name contains NUL");
            }
            if (c == '=') {
                if (saslName.startsWith("=2C", i)) {
                    sb.append(',');
                } else if (saslName.startsWith("=3D", i)) {
                    sb.append('=');
                } else {
                    throw fail("invalid escape in user name at char " + i + " (only =2C and =3D are allowed)");
                }
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- parsing

    /** Parses a client-first-message (broker side). */
    public static ClientFirstMessage parseClientFirst(byte[] message) throws SaslAuthenticationException {
        String text = utf8(message, "client-first-message");
        if (!text.startsWith(GS2_HEADER)) {
            if (text.startsWith("y,") || text.startsWith("p=")) {
                throw fail("channel binding is not supported (GS2 header must be 'n,,')");
            }
            if (text.startsWith("n,a=")) {
                throw fail("authzid is not supported (GS2 header must be 'n,,')");
            }
            throw fail("malformed GS2 header in client-first-message (must be 'n,,')");
        }
        String bare = text.substring(GS2_HEADER.length());
        String[] parts = bare.split(",", -1);
        rejectMandatoryExtension(parts, "client-first-message");
        if (parts.length < 2) {
            throw fail("client-first-message needs n= and r= attributes");
        }
        String username = unescapeUsername(value(parts[0], 'n', "client-first-message"));
        String nonce = nonce(value(parts[1], 'r', "client-first-message"), "client-first-message");
        checkExtensions(parts, 2, "client-first-message");
        return new ClientFirstMessage(username, nonce, bare);
    }

    /** Parses a server-first-message (client side). */
    public static ServerFirstMessage parseServerFirst(byte[] message) throws SaslAuthenticationException {
        String text = utf8(message, "server-first-message");
        String[] parts = text.split(",", -1);
        rejectMandatoryExtension(parts, "server-first-message");
        if (parts.length < 3) {
            throw fail("server-first-message needs r=, s= and i= attributes");
        }
        String nonce = nonce(value(parts[0], 'r', "server-first-message"), "server-first-message");
        byte[] salt = base64(value(parts[1], 's', "server-first-message"), "salt");
        if (salt.length == 0) {
            throw fail("empty salt in server-first-message");
        }
        int iterations = iterations(value(parts[2], 'i', "server-first-message"));
        checkExtensions(parts, 3, "server-first-message");
        return new ServerFirstMessage(nonce, salt, iterations, text);
    }

    /** Parses a client-final-message (broker side). Checks c= is {@code biws}; the nonce is checked by the caller. */
    public static ClientFinalMessage parseClientFinal(byte[] message) throws SaslAuthenticationException {
        String text = utf8(message, "client-final-message");
        String[] parts = text.split(",", -1);
        rejectMandatoryExtension(parts, "client-final-message");
        if (parts.length < 3) {
            throw fail("client-final-message needs c=, r= and p= attributes");
        }
        String channelBinding = value(parts[0], 'c', "client-final-message");
        if (!CHANNEL_BINDING.equals(channelBinding)) {
            throw fail("channel binding is not supported (c= must be 'biws')");
        }
        String nonce = nonce(value(parts[1], 'r', "client-final-message"), "client-final-message");
        String last = parts[parts.length - 1];
        byte[] proof = base64(value(last, 'p', "client-final-message (last attribute)"), "proof");
        checkExtensions(parts, 2, parts.length - 1, "client-final-message");
        String withoutProof = text.substring(0, text.length() - last.length() - 1);
        return new ClientFinalMessage(channelBinding, nonce, proof, withoutProof);
    }

    /** Parses a server-final-message (client side). */
    public static ServerFinalMessage parseServerFinal(byte[] message) throws SaslAuthenticationException {
        String text = utf8(message, "server-final-message");
        String[] parts = text.split(",", -1);
        rejectMandatoryExtension(parts, "server-final-message");
        String first = parts[0];
        if (first.startsWith("e=")) {
            return new ServerFinalMessage(null, first.substring(2));
        }
        byte[] signature = base64(value(first, 'v', "server-final-message"), "server signature");
        checkExtensions(parts, 1, "server-final-message");
        return new ServerFinalMessage(signature, null);
    }

    // ---------------------------------------------------------------- helpers

    private static String checkNonce(String nonce) {
        if (!isValidNonce(nonce)) {
            throw new IllegalArgumentException("nonce must be non-empty printable ASCII without ','");
        }
        return nonce;
    }

    /** True when {@code nonce} is non-empty printable ASCII (0x21–0x7E) without {@code ,}. */
    public static boolean isValidNonce(String nonce) {
        if (nonce.isEmpty()) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    private static String nonce(String value, String where) throws SaslAuthenticationException {
        if (!isValidNonce(value)) {
            throw fail("invalid nonce in " + where + " (must be non-empty printable ASCII without ',')");
        }
        return value;
    }

    private static String value(String attribute, char name, String where) throws SaslAuthenticationException {
        if (attribute.length() < 2 || attribute.charAt(0) != name || attribute.charAt(1) != '=') {
            throw fail("expected attribute '" + name + "=' in " + where + ", got " + describe(attribute));
        }
        return attribute.substring(2);
    }

    private static void rejectMandatoryExtension(String[] parts, String where) throws SaslAuthenticationException {
        for (String p : parts) {
            if (p.startsWith("m=")) {
                throw fail("mandatory extension 'm=' in " + where + " is not supported");
            }
        }
    }

    private static void checkExtensions(String[] parts, int from, String where) throws SaslAuthenticationException {
        checkExtensions(parts, from, parts.length, where);
    }

    /** Extensions are ignored, but must still look like attributes (ALPHA "=" value). */
    private static void checkExtensions(String[] parts, int from, int to, String where)
            throws SaslAuthenticationException {
        for (int i = from; i < to; i++) {
            String p = parts[i];
            if (p.length() < 2 || !isAlpha(p.charAt(0)) || p.charAt(1) != '=') {
                throw fail("malformed attribute " + describe(p) + " in " + where);
            }
        }
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static byte[] base64(String value, String what) throws SaslAuthenticationException {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw fail("invalid base64 in " + what);
        }
        // Canonical form only (padding required, no stray bits), as the spec fixes RFC 4648 section 4.
        if (!Base64.getEncoder().encodeToString(decoded).equals(value)) {
            throw fail("non-canonical base64 in " + what + " (standard alphabet with padding required)");
        }
        return decoded;
    }

    private static int iterations(String value) throws SaslAuthenticationException {
        if (value.isEmpty() || value.length() > 10 || value.charAt(0) == '0') {
            throw fail("invalid iteration count " + describe(value));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw fail("invalid iteration count " + describe(value));
            }
        }
        long n = Long.parseLong(value);
        if (n > Integer.MAX_VALUE) {
            throw fail("iteration count too large: " + value);
        }
        return (int) n;
    }

    private static String utf8(byte[] message, String what) throws SaslAuthenticationException {
        if (message == null || message.length == 0) {
            throw fail("empty " + what);
        }
        if (message.length > MAX_MESSAGE_BYTES) {
            throw fail(what + " too long: " + message.length + " bytes (max " + MAX_MESSAGE_BYTES + ")");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail(what + " is not valid UTF-8");
        }
    }

    /** A short, safe rendering of untrusted text for error messages. */
    private static String describe(String s) {
        String cut = s.length() > 32 ? s.substring(0, 32) + "…" : s;
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.append('\'').toString();
    }

    private static SaslAuthenticationException fail(String message) {
        return new SaslAuthenticationException(AUTHENTICATION_FAILED, message);
    }
}
