package io.streambus.broker.server;

import io.streambus.broker.limits.LogText;

/** Makes client-supplied text safe for one log line (see {@link LogText}). */
final class Texts {
    private Texts() {
    }

    /** {@code s} cut to {@code max} characters, control and non-ASCII characters escaped as {@code \\uXXXX}. */
    static String printable(String s, int max) {
        return LogText.safe(s, max);
    }
}
