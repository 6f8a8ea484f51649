package io.streambus.security;

/**
 * The client side of one SASL exchange on one connection, independent of the wire codec: each message here is the
 * {@code auth bytes} of one SaslAuthenticate request or response (spec B.5.2).
 *
 * <p>Use: send {@link #initialMessage()} in the first SaslAuthenticate; pass every success response's auth bytes to
 * {@link #evaluate(byte[])}; send what it returns in the next SaslAuthenticate, until it returns {@code null}, which
 * means the exchange is complete and (for SCRAM) the server's signature was verified. Only then may the connection
 * carry other requests. An exception means: close the connection and report an authentication failure.
 *
 * <p>Not thread-safe: one instance per connection, used by one thread at a time.
 */
public interface SaslClientSession {
    /** IANA mechanism name to select with SaslHandshake. */
    String mechanism();

    /** The first client message. May be called once. */
    byte[] initialMessage();

    /**
     * Processes the broker's reply to the last message.
     *
     * @return the next message to send, or {@code null} when the exchange is complete and verified
     * @throws SaslAuthenticationException when the reply is malformed or fails verification (code 40)
     * @throws IllegalStateException when called out of order
     */
    byte[] evaluate(byte[] serverMessage) throws SaslAuthenticationException;

    /** True once the exchange has completed successfully. */
    boolean isComplete();
}
