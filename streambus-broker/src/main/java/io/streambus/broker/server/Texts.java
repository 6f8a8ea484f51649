package io.streambus.broker.server;

/** Makes client-supplied text safe for one log line. */
final class Texts {
    private Texts() {
    }

    /** {@code s} cut to {@code max} characters, control and non-ASCII characters escaped as {@code \\uXXXX}. */
    static String printable(String s, int max) {
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
