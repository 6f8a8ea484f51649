package io.streambus.client.internal.net;

import io.streambus.client.AuthenticationException;
import io.streambus.client.AuthorizationException;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.StreamBusException;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Error classification. Retriable: connection loss, timeouts, and the codes of {@link ErrorCode#isRetriable}
 * (6, 7, 22, 25, 33, 37); everything else, including unknown codes, is final (spec A.7, B.3).
 *
 * <p>Static helpers only; thread-safe.
 */
public final class Errors {
    private Errors() {
    }

    /** The typed exception for an error response (status not 0). */
    public static StreamBusException fromResponse(DecodedResponse r, String context) {
        return fromCode(r.errorCode(), r.errorMessage(), context);
    }

    public static StreamBusException fromCode(int code, String message, String context) {
        return switch (code) {
            case ErrorCode.AUTHORIZATION_FAILED, ErrorCode.GROUP_AUTHORIZATION_FAILED ->
                    new AuthorizationException(code, message, context);
            case ErrorCode.AUTHENTICATION_FAILED, ErrorCode.INVALID_CREDENTIALS, ErrorCode.ACCOUNT_DISABLED,
                 ErrorCode.UNSUPPORTED_SASL_MECHANISM, ErrorCode.ILLEGAL_SASL_STATE ->
                    new AuthenticationException(context + ": broker error " + code + " " + ErrorCode.nameOf(code)
                            + (message == null || message.isEmpty() ? "" : " (" + message + ")"));
            default -> new BrokerErrorException(code, message, context);
        };
    }

    /** Strips CompletionException/ExecutionException wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** True if the same request may succeed when retried. */
    public static boolean isRetriable(Throwable t) {
        Throwable u = unwrap(t);
        return u instanceof StreamBusException s && s.isRetriable();
    }

    /** The error as a StreamBusException (wrapping anything else). */
    public static StreamBusException toStreamBus(Throwable t, String context) {
        Throwable u = unwrap(t);
        if (u instanceof StreamBusException s) {
            return s;
        }
        return new StreamBusException(context + ": " + u, u);
    }
}
