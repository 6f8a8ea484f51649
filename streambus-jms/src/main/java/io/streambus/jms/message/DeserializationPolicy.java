package io.streambus.jms.message;

import java.io.ObjectInputFilter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link jakarta.jms.ObjectMessage#getObject()} may deserialize: an allowlist of classes and limits on the
 * shape of the stream, both enforced by an {@link ObjectInputFilter} while the object is read.
 *
 * <p><b>Allowlist</b>: a JDK {@link ObjectInputFilter} pattern (see {@link ObjectInputFilter.Config#createFilter}):
 * entries separated by {@code ;}, {@code pkg.*} allows a package, {@code pkg.**} a package and its sub-packages.
 * Anything the pattern does not allow is rejected: a trailing {@code !*} is always appended, so a class must be
 * listed to be accepted. Arrays are judged by their component type. The default allows {@code java.lang},
 * {@code java.util}, {@code java.time} and {@code java.math} classes, which is what ActiveMQ considers trusted by
 * default; applications add their own packages. Limits written in the pattern ({@code maxdepth=}) apply as well.
 *
 * <p><b>Limits</b> ({@link #DEFAULT_LIMITS}, {@code name=value;...}): {@code maxdepth} (nesting depth of objects),
 * {@code maxrefs} (object references), {@code maxbytes} (stream length) and {@code maxarray} (length of any array,
 * including the tables of deserialized hash maps and sets). Names left out keep their default. They stop
 * denial-of-service payloads made only of allowed classes: nested {@code HashSet}s ("SerialDOS") cost
 * 2<sup>depth</sup> {@code hashCode} calls while being read, so 48 levels (about 2 KB) would hang a reader for
 * minutes. The default depth of {@value #DEFAULT_MAX_DEPTH} leaves at most 19 such levels (milliseconds of work), and
 * a deeper payload is refused while it is read, before the hashing starts.
 *
 * <p>Immutable, thread-safe.
 */
public final class DeserializationPolicy {
    /** Default allowlist pattern. */
    public static final String DEFAULT_PATTERN = "java.lang.*;java.util.*;java.time.*;java.math.*";
    /** Default nesting depth limit. */
    public static final long DEFAULT_MAX_DEPTH = 20;
    /** Default limits. */
    public static final String DEFAULT_LIMITS = "maxdepth=" + DEFAULT_MAX_DEPTH
            + ";maxrefs=100000;maxbytes=10485760;maxarray=1000000";

    private static final DeserializationPolicy DEFAULT = new DeserializationPolicy(DEFAULT_PATTERN, DEFAULT_LIMITS);

    private final String pattern;
    private final String limitsText;
    private final long maxDepth;
    private final long maxRefs;
    private final long maxBytes;
    private final long maxArray;
    private final ObjectInputFilter filter;

    /**
     * A policy with the {@linkplain #DEFAULT_LIMITS default limits}.
     *
     * @param pattern allowlist pattern; {@code *} allows every class (not recommended for untrusted senders)
     * @throws IllegalArgumentException when the pattern is malformed
     */
    public DeserializationPolicy(String pattern) {
        this(pattern, DEFAULT_LIMITS);
    }

    /**
     * @param pattern allowlist pattern; {@code *} allows every class (not recommended for untrusted senders)
     * @param limits  {@code maxdepth=N;maxrefs=N;maxbytes=N;maxarray=N}, each positive; omitted names keep their
     *                default
     * @throws IllegalArgumentException when the pattern or the limits are malformed
     */
    public DeserializationPolicy(String pattern, String limits) {
        this.pattern = Objects.requireNonNull(pattern, "pattern").trim();
        Map<String, Long> l = parseLimits(DEFAULT_LIMITS);
        l.putAll(parseLimits(Objects.requireNonNull(limits, "limits")));
        this.maxDepth = l.get("maxdepth");
        this.maxRefs = l.get("maxrefs");
        this.maxBytes = l.get("maxbytes");
        this.maxArray = l.get("maxarray");
        this.limitsText = "maxdepth=" + maxDepth + ";maxrefs=" + maxRefs + ";maxbytes=" + maxBytes + ";maxarray="
                + maxArray;
        ObjectInputFilter allow = ObjectInputFilter.Config.createFilter(
                this.pattern.isEmpty() ? "!*" : this.pattern + ";!*");
        this.filter = info -> withinLimits(info) ? allow.checkInput(info) : ObjectInputFilter.Status.REJECTED;
    }

    private static Map<String, Long> parseLimits(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String entry : text.split(";")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (eq < 0 || !(name.equals("maxdepth") || name.equals("maxrefs") || name.equals("maxbytes")
                    || name.equals("maxarray"))) {
                throw new IllegalArgumentException("ObjectMessage limits: expected maxdepth=, maxrefs=, maxbytes= or"
                        + " maxarray=, got '" + e + "'");
            }
            long v;
            try {
                v = Long.parseLong(e.substring(eq + 1).trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("ObjectMessage limits: " + name + " needs a number, got '"
                        + e.substring(eq + 1).trim() + "'");
            }
            if (v < 1) {
                throw new IllegalArgumentException("ObjectMessage limits: " + name + " must be positive, got " + v);
            }
            out.put(name, v);
        }
        return out;
    }

    private boolean withinLimits(ObjectInputFilter.FilterInfo info) {
        return info.depth() <= maxDepth && info.references() <= maxRefs && info.streamBytes() <= maxBytes
                && (info.arrayLength() < 0 || info.arrayLength() <= maxArray);
    }

    public static DeserializationPolicy defaultPolicy() {
        return DEFAULT;
    }

    /** The allowlist pattern. */
    public String pattern() {
        return pattern;
    }

    /** The effective limits, every name spelled out. */
    public String limits() {
        return limitsText;
    }

    ObjectInputFilter filter() {
        return filter;
    }

    /** A short description of a rejection by the limits, or null if {@code info} is within them. */
    String limitViolation(ObjectInputFilter.FilterInfo info) {
        if (info.depth() > maxDepth) {
            return "nesting depth " + info.depth() + " exceeds maxdepth=" + maxDepth;
        }
        if (info.references() > maxRefs) {
            return info.references() + " references exceed maxrefs=" + maxRefs;
        }
        if (info.streamBytes() > maxBytes) {
            return info.streamBytes() + " bytes exceed maxbytes=" + maxBytes;
        }
        if (info.arrayLength() > maxArray) {
            return "an array of length " + info.arrayLength() + " exceeds maxarray=" + maxArray;
        }
        return null;
    }

    @Override
    public String toString() {
        return pattern + " [" + limitsText + "]";
    }
}
