package io.streambus.security;

import javax.security.sasl.SaslException;

/**
 * A SASL exchange failed. {@link #errorCode()} is the wire code the broker answers with (spec B.5.2): on the broker
 * it is what goes into the error response; on the client, failures detected locally (bad server nonce, too few
 * iterations, wrong server signature, malformed server message) carry {@link #AUTHENTICATION_FAILED}.
 *
 * <p>Messages never contain passwords, proofs or keys.
 */
public class SaslAuthenticationException extends SaslException {
    private static final long serialVersionUID = 1L;

    /** 40: malformed message, nonce mismatch, channel binding or authzid requested, mandatory extension. */
    public static final int AUTHENTICATION_FAILED = 40;
    /** 42: unknown user, wrong password or proof (one code for both so that user names cannot be probed). */
    public static final int INVALID_CREDENTIALS = 42;
    /** 43: the account is disabled; only reported after the credentials were verified. */
    public static final int ACCOUNT_DISABLED = 43;
    /** 44: the mechanism is not enabled. */
    public static final int UNSUPPORTED_SASL_MECHANISM = 44;
    /** 45: a message arrived when none was expected (exchange complete or failed). */
    public static final int ILLEGAL_SASL_STATE = 45;

    private final int errorCode;

    public SaslAuthenticationException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public SaslAuthenticationException(int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** Wire error code (40, 42, 43, 44 or 45). */
    public int errorCode() {
        return errorCode;
    }

    /** True for 42 and 43: the same credentials will fail again, so a client must not retry with them. */
    public boolean isCredentialFailure() {
        return errorCode == INVALID_CREDENTIALS || errorCode == ACCOUNT_DISABLED;
    }
}
