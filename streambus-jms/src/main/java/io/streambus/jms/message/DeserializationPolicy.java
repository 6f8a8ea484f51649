package io.streambus.jms.message;

import java.io.ObjectInputFilter;
import java.util.Objects;

/**
 * Which classes {@link jakarta.jms.ObjectMessage#getObject()} may deserialize, as a JDK
 * {@link ObjectInputFilter} pattern (see {@link ObjectInputFilter.Config#createFilter(String)}): entries separated by
 * {@code ;}, {@code pkg.*} allows a package, {@code pkg.**} a package and its sub-packages, {@code maxdepth=},
 * {@code maxbytes=} and the like set limits. Anything the pattern does not allow is rejected: a trailing {@code !*}
 * is always appended, so a class must be listed to be accepted. Arrays are judged by their component type.
 *
 * <p>The default allows {@code java.lang}, {@code java.util}, {@code java.time} and {@code java.math} classes, which
 * is what ActiveMQ considers trusted by default; applications add their own packages. Immutable, thread-safe.
 */
public final class DeserializationPolicy {
    /** Default allowlist pattern. */
    public static final String DEFAULT_PATTERN = "java.lang.*;java.util.*;java.time.*;java.math.*;maxdepth=50";

    private static final DeserializationPolicy DEFAULT = new DeserializationPolicy(DEFAULT_PATTERN);

    private final String pattern;
    private final ObjectInputFilter filter;

    /**
     * @param pattern allowlist pattern; {@code *} allows everything (not recommended for untrusted senders)
     * @throws IllegalArgumentException when the pattern is malformed
     */
    public DeserializationPolicy(String pattern) {
        this.pattern = Objects.requireNonNull(pattern, "pattern").trim();
        String p = this.pattern.isEmpty() ? "!*" : this.pattern + ";!*";
        this.filter = ObjectInputFilter.Config.createFilter(p);
    }

    public static DeserializationPolicy defaultPolicy() {
        return DEFAULT;
    }

    public String pattern() {
        return pattern;
    }

    ObjectInputFilter filter() {
        return filter;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
