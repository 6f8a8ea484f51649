package io.streambus.broker.security;

import io.streambus.security.SaslAuthenticationException;

/**
 * The broker side of one SASL exchange on one connection, independent of the codec: each message is the
 * {@code auth bytes} of one SaslAuthenticate request, and the return value is the {@code auth bytes} of its success
 * response (spec B.5.2).
 *
 * <p>On {@link SaslAuthenticationException} the server answers status 1 with {@link
 * SaslAuthenticationException#errorCode()} (40, 42, 43 or 45) and closes the connection; the session is then dead.
 * After an evaluate that leaves {@link #complete()} true, the connection is AUTHENTICATED as {@link #principal()}.
 *
 * <p>Cost: SCRAM steps are a few HMACs; a PLAIN evaluate runs one PBKDF2 (thousands of HMACs, about a millisecond
 * or more), so a server may prefer to run PLAIN off its I/O thread.
 *
 * <p>Not thread-safe: one instance per connection, called by one thread at a time.
 */
public interface SaslServerSession {
    /** The IANA mechanism name this session runs. */
    String mechanism();

    /**
     * Processes the next client message.
     *
     * @return the auth bytes of the success response (PLAIN: empty; SCRAM: server-first, then server-final)
     * @throws SaslAuthenticationException with the wire code: 40 malformed / protocol violation, 42 invalid
     *         credentials (unknown user or wrong password alike), 43 account disabled (only with correct
     *         credentials), 45 the exchange is already complete or has failed
     */
    byte[] evaluate(byte[] clientMessage) throws SaslAuthenticationException;

    /** True once the exchange has succeeded. */
    boolean complete();

    /**
     * The authenticated user name: the authcid for PLAIN, the decoded user name for SCRAM.
     *
     * @throws IllegalStateException before {@link #complete()}
     */
    String principal();
}
