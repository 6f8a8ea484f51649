package io.streambus.broker.limits;

/**
 * Makes remote-supplied text (topic, group and member ids, client ids, error details) safe for one log line: control
 * and non-ASCII characters are escaped as {@code \\uXXXX}, so a newline cannot forge a second log line, and long
 * values are cut. Every log call that includes a string a client sent goes through here. Stateless; thread-safe.
 */
public final class LogText {
    /** Default cut for identifiers in log lines. */
    public static final int DEFAULT_MAX = 200;

    private LogText() {
    }

    /** {@link #safe(String, int)} with {@link #DEFAULT_MAX}. */
    public static String safe(String s) {
        return safe(s, DEFAULT_MAX);
    }

    /** {@code s} cut to {@code max} characters (then "..."), control and non-ASCII characters escaped. */
    public static String safe(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = null;
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean plain = c >= 0x20 && c < 0x7f;
            if (!plain && b == null) {
                b = new StringBuilder(n + 16).append(s, 0, i);
            }
            if (b != null) {
                if (plain) {
                    b.append(c);
                } else {
                    b.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        String out = b == null ? s.substring(0, n) : b.toString();
        return s.length() > max ? out + "..." : out;
    }
}
