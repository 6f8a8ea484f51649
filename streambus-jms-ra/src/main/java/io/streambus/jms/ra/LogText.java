package io.streambus.jms.ra;

/**
 * Text from outside (broker error messages, configuration values) made safe for a log line: control characters
 * become {@code \\uXXXX} and the text is cut at 500 characters, so that nothing can forge or flood log lines.
 * Stateless, thread-safe.
 */
final class LogText {
    private static final int MAX = 500;

    private LogText() {
    }

    /** {@code t.toString()} made safe. */
    static String of(Throwable t) {
        return t == null ? "null" : safe(t.toString());
    }

    /** {@code s} made safe ({@code "null"} for null). */
    static String safe(Object s) {
        if (s == null) {
            return "null";
        }
        String text = s.toString();
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX) + 16);
        for (int i = 0; i < text.length() && i < MAX; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (text.length() > MAX) {
            b.append("...");
        }
        return b.toString();
    }
}
