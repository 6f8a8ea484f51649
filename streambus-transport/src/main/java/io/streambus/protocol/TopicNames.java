package io.streambus.protocol;

/**
 * Topic name rules a conforming broker enforces (spec A.6.4): {@code [A-Za-z0-9._-]{1,249}}, not "." or "..".
 *
 * <p>Static helpers only; thread-safe.
 */
public final class TopicNames {
    public static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    /** True if {@code name} is a legal topic name. */
    public static boolean isValid(String name) {
        return problem(name) == null;
    }

    /** Throws {@link MalformedPayloadException} (code 2) naming the problem if {@code name} is not legal. */
    public static String validate(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new MalformedPayloadException("topic", -1, problem);
        }
        return name;
    }

    /** Why {@code name} is not legal, or null if it is. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "topic name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "topic name is " + name.length() + " characters long, the limit is " + MAX_LENGTH;
        }
        if (name.equals(".") || name.equals("..")) {
            return "topic name '" + name + "' is not allowed";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return String.format("topic name '%s' contains the character U+%04X at %d; allowed are "
                        + "[A-Za-z0-9._-]", name, (int) c, i);
            }
        }
        return null;
    }
}
