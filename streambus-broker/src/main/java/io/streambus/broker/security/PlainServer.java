package io.streambus.broker.security;

import static io.streambus.security.SaslAuthenticationException.ACCOUNT_DISABLED;
import static io.streambus.security.SaslAuthenticationException.AUTHENTICATION_FAILED;
import static io.streambus.security.SaslAuthenticationException.ILLEGAL_SASL_STATE;
import static io.streambus.security.SaslAuthenticationException.INVALID_CREDENTIALS;

import io.streambus.security.SaslAuthenticationException;
import io.streambus.security.SaslMechanisms;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SASL PLAIN (RFC 4616) server for one connection, verified against the SCRAM credentials of the store (spec B.5.2
 * rules): exactly two NUL bytes, non-empty authcid and password, authzid empty or equal to authcid, valid UTF-8 —
 * else 40. Unknown user and wrong password both give 42 after one PBKDF2 each (an unknown user is checked against
 * the fake credential of the mechanism and iteration count most real users have); 43 only with the right password.
 */
final class PlainServer implements SaslServerSession {
    private final CredentialStore store;
    private boolean done;
    private boolean complete;
    private String principal;

    PlainServer(CredentialStore store) {
        this.store = store;
    }

    @Override
    public String mechanism() {
        return SaslMechanisms.PLAIN;
    }

    @Override
    public byte[] evaluate(byte[] message) throws SaslAuthenticationException {
        if (done) {
            throw new SaslAuthenticationException(ILLEGAL_SASL_STATE,
                    "PLAIN exchange already " + (complete ? "complete" : "failed"));
        }
        done = true;
        int first = indexOf(message, 0);
        int second = first < 0 ? -1 : indexOf(message, first + 1);
        if (first < 0 || second < 0 || indexOf(message, second + 1) >= 0) {
            throw new SaslAuthenticationException(AUTHENTICATION_FAILED,
                    "PLAIN message must contain exactly two NUL bytes");
        }
        String authzid = utf8(Arrays.copyOfRange(message, 0, first), "authzid");
        String authcid = utf8(Arrays.copyOfRange(message, first + 1, second), "authcid");
        if (authcid.isEmpty()) {
            throw new SaslAuthenticationException(AUTHENTICATION_FAILED, "PLAIN authcid is empty");
        }
        if (second == message.length - 1) {
            throw new SaslAuthenticationException(AUTHENTICATION_FAILED, "PLAIN password is empty");
        }
        if (!authzid.isEmpty() && !authzid.equals(authcid)) {
            throw new SaslAuthenticationException(AUTHENTICATION_FAILED,
                    "PLAIN authzid must be empty or equal to the authcid");
        }
        char[] password = utf8Chars(Arrays.copyOfRange(message, second + 1, message.length));
        try {
            CredentialStore.PlainCheck check = store.plainCredential(authcid);
            // Same PBKDF2 work (hash and iterations) for unknown users as for the common real user.
            boolean ok = check.credential().verifyPassword(password);
            if (!ok || !check.real()) {
                throw new SaslAuthenticationException(INVALID_CREDENTIALS, "invalid credentials");
            }
            if (store.isDisabled(authcid)) {
                throw new SaslAuthenticationException(ACCOUNT_DISABLED, "account '" + authcid + "' is disabled");
            }
        } finally {
            Arrays.fill(password, '\0');
        }
        principal = authcid;
        complete = true;
        return new byte[0];
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String utf8(byte[] bytes, String what) throws SaslAuthenticationException {
        return new String(utf8Chars(bytes, what));
    }

    private static char[] utf8Chars(byte[] bytes) throws SaslAuthenticationException {
        return utf8Chars(bytes, "password");
    }

    private static char[] utf8Chars(byte[] bytes, String what) throws SaslAuthenticationException {
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] out = new char[cb.remaining()];
            cb.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new SaslAuthenticationException(AUTHENTICATION_FAILED, "PLAIN " + what + " is not valid UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public boolean complete() {
        return complete;
    }

    @Override
    public String principal() {
        if (!complete) {
            throw new IllegalStateException("PLAIN exchange not complete");
        }
        return principal;
    }

    @Override
    public String toString() {
        return "PlainServer[complete=" + complete + "]";
    }
}
