package io.streambus.cli;

/**
 * A command failed for a reason the operator can act on; the message names the problem and the fix and is printed
 * as it is, with exit code 1.
 */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with a complete, operator-facing message. */
    public CliFailure(String message) {
        super(message);
    }

    /** A failure with a complete, operator-facing message and the exception behind it. */
    public CliFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
