package io.streambus.cli;

import io.streambus.client.AuthenticationException;
import io.streambus.client.AuthorizationException;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.ConfigException;
import io.streambus.client.ConnectionException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.protocol.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns an exception from a command into one line that names the problem and the fix, the way an operator reads
 * it ("cannot reach 127.0.0.1:9092: is a broker running there? use --bootstrap host:port"), and picks the exit
 * code: 2 for bad settings (the operator's input), 1 for everything else. Stateless and thread-safe.
 */
public final class FailureExplainer {
    /** Exit code of a failed command. */
    public static final int FAILED = 1;
    /** Exit code of bad usage: unknown options, bad values, bad client settings. */
    public static final int USAGE = 2;

    private FailureExplainer() {
    }

    /**
     * The operator-facing message for {@code failure}.
     *
     * @param bootstrap the broker list in effect, named in connection messages
     */
    public static String explain(Throwable failure, String bootstrap) {
        Throwable t = unwrap(failure);
        if (t instanceof CliFailure) {
            return t.getMessage();
        }
        if (t instanceof UnsupportedFeatureException u) {
            return "this command needs an extended broker (" + u.capability() + "); the broker at " + bootstrap
                    + " does not serve it (`streambus capabilities` shows what it serves): point --bootstrap at a "
                    + "broker that does";
        }
        if (t instanceof ConnectionException || t instanceof StreamBusTimeoutException) {
            return "cannot reach " + bootstrap + ": is a broker running there? use --bootstrap host:port ("
                    + t.getMessage() + ")";
        }
        if (t instanceof AuthenticationException) {
            return "authentication with " + bootstrap + " failed: " + t.getMessage()
                    + "; check sasl.mechanism, sasl.username and sasl.password in --command-config FILE";
        }
        if (t instanceof AuthorizationException) {
            return "not authorized: " + t.getMessage() + "; ask for the right on the broker's ACL, or use other "
                    + "credentials in --command-config FILE";
        }
        if (t instanceof ConfigException) {
            return "bad client setting: " + t.getMessage() + "; fix it in --command-config FILE";
        }
        if (t instanceof BrokerErrorException b) {
            return "the broker refused: " + t.getMessage() + hint(b.code());
        }
        if (t instanceof IllegalArgumentException) {
            return t.getMessage();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.toString() : message;
    }

    /** The exit code for {@code failure}: {@link #USAGE} for bad settings, {@link #FAILED} otherwise. */
    public static int exitCode(Throwable failure) {
        return unwrap(failure) instanceof ConfigException ? USAGE : FAILED;
    }

    private static String hint(int code) {
        return switch (code) {
            case ErrorCode.TOPIC_NOT_FOUND -> " (`streambus topics list` shows the topics)";
            case ErrorCode.PARTITION_NOT_FOUND -> " (`streambus topics describe TOPIC` shows its partitions)";
            case ErrorCode.TOPIC_EXISTS -> " (the topic exists with another partition count; "
                    + "`streambus topics describe TOPIC` shows it)";
            case ErrorCode.NON_EMPTY_GROUP, ErrorCode.ILLEGAL_GENERATION -> " (the group has active members: stop "
                    + "its consumers, or wait for their session to expire, and try again)";
            case ErrorCode.UNKNOWN_CONSUMER_GROUP_ID -> " (`streambus groups list` shows the groups)";
            case ErrorCode.MESSAGE_TOO_LARGE -> " (send smaller records)";
            default -> "";
        };
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        // Futures.await wraps non-client exceptions (such as an admin call's IllegalArgumentException) once.
        if (c.getClass() == io.streambus.client.StreamBusException.class && c.getCause() != null
                && !(c.getCause() instanceof CompletionException)) {
            Throwable inner = c.getCause();
            if (inner instanceof IllegalArgumentException) {
                return inner;
            }
        }
        return c;
    }
}
