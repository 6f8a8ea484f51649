package io.streambus.security;

import static io.streambus.security.SaslAuthenticationException.AUTHENTICATION_FAILED;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * SCRAM-SHA-256/512 client state machine (RFC 5802 as restricted by spec B.5.2).
 *
 * <pre>
 * clientFirst()                 -> n,,n=user,r=cnonce
 * clientFinal(server-first)     -> c=biws,r=cnonce+snonce,p=proof
 * verifyServerFinal(v=...)      -> ok, or exception: close the connection
 * </pre>
 *
 * The server's nonce must start with ours and be longer; fewer than {@value ScramMechanism#MIN_ITERATIONS} or more
 * than {@value ScramMechanism#MAX_ITERATIONS} iterations abort the exchange; the server signature is compared in
 * constant time. The password is wiped from memory once the salted password has been derived.
 *
 * <p>Not thread-safe: one instance per connection and exchange.
 */
public final class ScramClient implements SaslClientSession {
    private enum State { INITIAL, FIRST_SENT, FINAL_SENT, COMPLETE, FAILED }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramMechanism mechanism;
    private final String username;
    private final char[] password;
    private final String clientNonce;
    private State state = State.INITIAL;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    /** A client with a fresh random nonce ({@value ScramFormatter#NONCE_BYTES} bytes from {@link SecureRandom}). */
    public ScramClient(ScramMechanism mechanism, String username, char[] password) {
        this(mechanism, username, password, () -> ScramFormatter.randomNonce(RANDOM));
    }

    /**
     * A client whose nonce comes from {@code nonceSupplier} (tests reproducing fixed exchanges such as RFC 7677's).
     *
     * @param password copied; the copy is wiped after use
     */
    public ScramClient(ScramMechanism mechanism, String username, char[] password, Supplier<String> nonceSupplier) {
        this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
        ScramFormatter.escapeUsername(Objects.requireNonNull(username, "username")); // validates
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("SCRAM password must be non-empty");
        }
        this.username = username;
        this.password = password.clone();
        this.clientNonce = nonceSupplier.get();
        if (!ScramFormatter.isValidNonce(clientNonce)) {
            throw new IllegalArgumentException("client nonce must be non-empty printable ASCII without ','");
        }
    }

    @Override
    public String mechanism() {
        return mechanism.mechanismName();
    }

    /** The client-first-message {@code n,,n=<user>,r=<nonce>}. */
    public byte[] clientFirst() {
        expect(State.INITIAL, "clientFirst");
        clientFirstBare = ScramFormatter.clientFirstMessageBare(username, clientNonce);
        state = State.FIRST_SENT;
        return (ScramFormatter.GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the server-first-message and computes the client-final-message with the proof.
     *
     * @throws SaslAuthenticationException (code 40) malformed message, nonce not extending ours, iteration count out
     *         of bounds
     */
    public byte[] clientFinal(byte[] serverFirst) throws SaslAuthenticationException {
        expect(State.FIRST_SENT, "clientFinal");
        try {
            ScramFormatter.ServerFirstMessage sf = ScramFormatter.parseServerFirst(serverFirst);
            if (!sf.nonce().startsWith(clientNonce) || sf.nonce().length() <= clientNonce.length()) {
                throw fail("server nonce does not extend the client nonce");
            }
            if (sf.iterations() < ScramMechanism.MIN_ITERATIONS) {
                throw fail("server offered " + sf.iterations() + " iterations, below the minimum of "
                        + ScramMechanism.MIN_ITERATIONS);
            }
            if (sf.iterations() > ScramMechanism.MAX_ITERATIONS) {
                throw fail("server offered " + sf.iterations() + " iterations, above the maximum of "
                        + ScramMechanism.MAX_ITERATIONS);
            }
            byte[] salted = ScramCrypto.saltedPassword(mechanism, password, sf.salt(), sf.iterations());
            Arrays.fill(password, '\0');
            String withoutProof = ScramFormatter.clientFinalMessageWithoutProof(sf.nonce());
            byte[] authMessage = ScramFormatter.authMessage(clientFirstBare, sf.text(), withoutProof);
            byte[] clientKey = ScramCrypto.clientKey(mechanism, salted);
            byte[] proof = ScramCrypto.clientProof(mechanism, clientKey, authMessage);
            expectedServerSignature = ScramCrypto.serverSignature(mechanism,
                    ScramCrypto.serverKey(mechanism, salted), authMessage);
            Arrays.fill(salted, (byte) 0);
            Arrays.fill(clientKey, (byte) 0);
            state = State.FINAL_SENT;
            return ScramFormatter.clientFinalMessage(withoutProof, proof).getBytes(StandardCharsets.UTF_8);
        } catch (SaslAuthenticationException | RuntimeException e) {
            failed();
            throw e;
        }
    }

    /**
     * Verifies the server-final-message's signature (constant-time comparison). On success the exchange is complete.
     *
     * @throws SaslAuthenticationException (code 40) malformed message, {@code e=} error, or signature mismatch
     */
    public void verifyServerFinal(byte[] serverFinal) throws SaslAuthenticationException {
        expect(State.FINAL_SENT, "verifyServerFinal");
        try {
            ScramFormatter.ServerFinalMessage m = ScramFormatter.parseServerFinal(serverFinal);
            if (m.error() != null) {
                throw fail("server reported SCRAM error '" + m.error() + "'");
            }
            if (!ScramCrypto.constantTimeEquals(m.signature(), expectedServerSignature)) {
                throw fail("server signature does not match: the broker does not know this user's credentials");
            }
            state = State.COMPLETE;
        } catch (SaslAuthenticationException | RuntimeException e) {
            failed();
            throw e;
        }
    }

    @Override
    public byte[] initialMessage() {
        return clientFirst();
    }

    @Override
    public byte[] evaluate(byte[] serverMessage) throws SaslAuthenticationException {
        if (state == State.FIRST_SENT) {
            return clientFinal(serverMessage);
        }
        verifyServerFinal(serverMessage);
        return null;
    }

    @Override
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    private void expect(State expected, String step) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM client: " + step + " called in state " + state);
        }
    }

    private void failed() {
        state = State.FAILED;
        Arrays.fill(password, '\0');
    }

    private static SaslAuthenticationException fail(String message) {
        return new SaslAuthenticationException(AUTHENTICATION_FAILED, message);
    }

    @Override
    public String toString() {
        return "ScramClient[" + mechanism + ", user=" + username + ", state=" + state + "]";
    }
}
