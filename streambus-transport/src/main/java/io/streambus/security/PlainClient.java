package io.streambus.security;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SASL PLAIN (RFC 4616) client: one message {@code NUL authcid NUL password} (empty authzid, as spec B.5.2
 * recommends), and an empty success response. The password travels in clear: use PLAIN only over TLS.
 *
 * <p>Not thread-safe (one per connection).
 */
public final class PlainClient implements SaslClientSession {
    private final String username;
    private final char[] password;
    private boolean sent;
    private boolean complete;

    /**
     * @param username authcid, non-empty, without NUL
     * @param password non-empty, without NUL; copied
     */
    public PlainClient(String username, char[] password) {
        if (username == null || username.isEmpty() || username.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PLAIN user name must be non-empty and contain no NUL");
        }
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("PLAIN password must be non-empty");
        }
        for (char c : password) {
            if (c == '\0') {
                throw new IllegalArgumentException("PLAIN password must not contain NUL");
            }
        }
        this.username = username;
        this.password = password.clone();
    }

    /** Builds {@code authzid NUL authcid NUL password} in UTF-8, with an empty authzid. */
    public static byte[] message(String username, char[] password) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = new byte[2 + user.length + pw.remaining()];
        out[0] = 0;
        System.arraycopy(user, 0, out, 1, user.length);
        out[1 + user.length] = 0;
        pw.get(out, 2 + user.length, pw.remaining());
        if (pw.hasArray()) {
            Arrays.fill(pw.array(), (byte) 0);
        }
        return out;
    }

    @Override
    public String mechanism() {
        return SaslMechanisms.PLAIN;
    }

    @Override
    public byte[] initialMessage() {
        if (sent) {
            throw new IllegalStateException("PLAIN initial message already produced");
        }
        sent = true;
        byte[] msg = message(username, password);
        Arrays.fill(password, '\0');
        return msg;
    }

    @Override
    public byte[] evaluate(byte[] serverMessage) throws SaslAuthenticationException {
        if (!sent || complete) {
            throw new IllegalStateException("PLAIN exchange is not waiting for a server message");
        }
        if (serverMessage != null && serverMessage.length != 0) {
            throw new SaslAuthenticationException(SaslAuthenticationException.AUTHENTICATION_FAILED,
                    "PLAIN success response must be empty, got " + serverMessage.length + " bytes");
        }
        complete = true;
        return null;
    }

    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public String toString() {
        return "PlainClient[user=" + username + ", complete=" + complete + "]";
    }
}
