package io.streambus.broker.security;

import static io.streambus.security.SaslAuthenticationException.ACCOUNT_DISABLED;
import static io.streambus.security.SaslAuthenticationException.AUTHENTICATION_FAILED;
import static io.streambus.security.SaslAuthenticationException.ILLEGAL_SASL_STATE;
import static io.streambus.security.SaslAuthenticationException.INVALID_CREDENTIALS;

import io.streambus.security.SaslAuthenticationException;
import io.streambus.security.ScramCrypto;
import io.streambus.security.ScramFormatter;
import io.streambus.security.ScramMechanism;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * SCRAM-SHA-256/512 server state machine for one connection (RFC 5802 as restricted by spec B.5.2).
 *
 * <p>Step 1 never fails for an unknown user (or a user without a credential for this mechanism): it answers with
 * the store's {@linkplain CredentialStore#fakeCredential fake credential}, deterministic per user name, and step 3
 * then fails with 42 after the same proof computation a real user gets. A disabled user is only told 43 after a
 * correct proof.
 */
final class ScramServer implements SaslServerSession {
    private enum State { AWAIT_CLIENT_FIRST, AWAIT_CLIENT_FINAL, COMPLETE, FAILED }

    private final ScramMechanism mechanism;
    private final CredentialStore store;
    private final Supplier<String> nonceSupplier;
    private State state = State.AWAIT_CLIENT_FIRST;
    private String username;
    private boolean knownUser;
    private boolean disabled;
    private ScramCredential credential;
    private String clientFirstBare;
    private String serverFirst;
    private String combinedNonce;

    ScramServer(ScramMechanism mechanism, CredentialStore store, Supplier<String> nonceSupplier) {
        this.mechanism = mechanism;
        this.store = store;
        this.nonceSupplier = nonceSupplier;
    }

    @Override
    public String mechanism() {
        return mechanism.mechanismName();
    }

    @Override
    public byte[] evaluate(byte[] clientMessage) throws SaslAuthenticationException {
        try {
            switch (state) {
                case AWAIT_CLIENT_FIRST:
                    return clientFirst(clientMessage);
                case AWAIT_CLIENT_FINAL:
                    return clientFinal(clientMessage);
                default:
                    throw new SaslAuthenticationException(ILLEGAL_SASL_STATE,
                            "SCRAM exchange already " + (state == State.COMPLETE ? "complete" : "failed"));
            }
        } catch (SaslAuthenticationException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    private byte[] clientFirst(byte[] message) throws SaslAuthenticationException {
        ScramFormatter.ClientFirstMessage first = ScramFormatter.parseClientFirst(message);
        username = first.username();
        Optional<ScramCredential> real = store.credential(username, mechanism);
        knownUser = real.isPresent();
        disabled = knownUser && store.isDisabled(username);
        credential = real.orElseGet(() -> store.fakeCredential(mechanism, username));
        String serverNonce = nonceSupplier.get();
        if (!ScramFormatter.isValidNonce(serverNonce)) {
            throw new IllegalStateException("server nonce supplier produced an invalid nonce");
        }
        combinedNonce = first.nonce() + serverNonce;
        clientFirstBare = first.bare();
        serverFirst = ScramFormatter.serverFirstMessage(combinedNonce, credential.salt(), credential.iterations());
        state = State.AWAIT_CLIENT_FINAL;
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] clientFinal(byte[] message) throws SaslAuthenticationException {
        ScramFormatter.ClientFinalMessage fin = ScramFormatter.parseClientFinal(message);
        if (!fin.nonce().equals(combinedNonce)) {
            throw new SaslAuthenticationException(AUTHENTICATION_FAILED,
                    "nonce in client-final-message does not repeat the combined nonce");
        }
        byte[] authMessage = ScramFormatter.authMessage(clientFirstBare, serverFirst, fin.withoutProof());
        // Same work for known and unknown users: the fake credential goes through the identical check.
        boolean proofOk = ScramCrypto.verifyClientProof(mechanism, credential.storedKey(), authMessage, fin.proof());
        if (!proofOk || !knownUser) {
            throw new SaslAuthenticationException(INVALID_CREDENTIALS, "invalid credentials");
        }
        if (disabled) {
            throw new SaslAuthenticationException(ACCOUNT_DISABLED, "account '" + username + "' is disabled");
        }
        byte[] signature = ScramCrypto.serverSignature(mechanism, credential.serverKey(), authMessage);
        state = State.COMPLETE;
        return ScramFormatter.serverFinalMessage(signature).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean complete() {
        return state == State.COMPLETE;
    }

    @Override
    public String principal() {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("SCRAM exchange not complete");
        }
        return username;
    }

    @Override
    public String toString() {
        return "ScramServer[" + mechanism + ", state=" + state + "]";
    }
}
