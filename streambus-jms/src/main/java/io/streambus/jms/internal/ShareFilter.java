package io.streambus.jms.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a JMS message selector into a share fetch filter (spec B.13.9), which the broker evaluates on record headers.
 * Properties travel as headers of the same name with their value as text, and {@code JMSCorrelationID},
 * {@code JMSType} and the {@code JMSX} properties the application sets ({@code JMSXGroupID}, ...) as headers of their
 * own name, so a selector over those is sent unchanged. A selector is <em>not</em> translatable when it names a
 * header field the record does not carry as such ({@code JMSMessageID}, {@code JMSTimestamp}, {@code JMSPriority}
 * and {@code JMSDeliveryMode}, left out when they have their default value, {@code JMSRedelivered},
 * {@code JMSXDeliveryCount}, {@code JMSExpiration}, {@code JMSDeliveryTime}, {@code JMSDestination},
 * {@code JMSReplyTo}), a broker identifier ({@code $key}, {@code $timestamp}), or uses arithmetic (the broker
 * refuses arithmetic on header values), or uses a property alone as a boolean condition ({@code urgent}, which the
 * broker's header comparisons cannot express): the consumer then evaluates it itself (see {@link ShareSource}).
 *
 * <p>Stateless, thread-safe.
 */
final class ShareFilter {
    /** Header fields written as headers of the same name, with the text the selector compares. */
    private static final Set<String> HEADER_FIELDS = Set.of(MessageCodec.CORRELATION_ID, MessageCodec.TYPE);
    /** JMSX properties computed by the provider rather than carried in the record. */
    private static final Set<String> COMPUTED = Set.of("JMSXDeliveryCount");
    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT", "BETWEEN", "IN", "LIKE", "ESCAPE", "IS",
            "NULL", "TRUE", "FALSE");

    /** Limit below which every long is exact as a double. */
    private static final long EXACT_AS_DOUBLE = 1L << 53;

    private ShareFilter() {
    }

    /**
     * The broker filter for {@code selector}: empty when the selector cannot be evaluated on headers exactly as JMS
     * defines it (the caller evaluates it then), else the selector with its exact numeric literals written as
     * approximate ones ({@code n > 1} becomes {@code n > 1.0}). The broker converts a header to the literal's type
     * (B.13.9), and {@code Long.valueOf} refuses the text of a float or double property ({@code "10.5"}), while JMS
     * compares any two numerics; as a double the comparison holds for every numeric property. Exact literals beyond
     * 2^53 (not exact as doubles) are evaluated by the consumer instead.
     */
    static Optional<String> translate(String selector) {
        if (selector == null || selector.isBlank()) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(selector.length() + 8);
        int i = 0;
        int n = selector.length();
        while (i < n) {
            char c = selector.charAt(i);
            int start = i;
            if (c == '\'') {
                i = endOfString(selector, i);
            } else if (Character.isJavaIdentifierStart(c)) {
                while (i < n && Character.isJavaIdentifierPart(selector.charAt(i))) {
                    i++;
                }
                String identifier = selector.substring(start, i);
                if (!translatable(identifier)
                        || (!KEYWORDS.contains(identifier.toUpperCase(Locale.ROOT)) && aloneAsCondition(selector, i))) {
                    return Optional.empty();
                }
            } else if (Character.isDigit(c) || c == '.') {
                // numeric literal, exponent sign included (1.5E-3)
                i++;
                while (i < n && (Character.isLetterOrDigit(selector.charAt(i)) || selector.charAt(i) == '.'
                        || ((selector.charAt(i) == '-' || selector.charAt(i) == '+')
                        && Character.toUpperCase(selector.charAt(i - 1)) == 'E'))) {
                    i++;
                }
                Optional<String> literal = approximate(selector.substring(start, i));
                if (literal.isEmpty()) {
                    return Optional.empty();
                }
                out.append(literal.get());
                continue;
            } else if (c == '+' || c == '-' || c == '*' || c == '/') {
                return Optional.empty();
            } else {
                i++;
            }
            out.append(selector, start, i);
        }
        return Optional.of(out.toString());
    }

    /**
     * A numeric literal as the broker should see it: approximate ones unchanged, exact ones (decimal, optional
     * {@code L}) with {@code .0} appended; empty when an exact one is not exact as a double or does not parse.
     */
    private static Optional<String> approximate(String literal) {
        String upper = literal.toUpperCase(Locale.ROOT);
        if (upper.contains(".") || (upper.contains("E") && !upper.startsWith("0X"))) {
            return Optional.of(literal);
        }
        String digits = upper.endsWith("L") ? literal.substring(0, literal.length() - 1) : literal;
        if (digits.length() > 1 && digits.startsWith("0")) {
            return Optional.empty(); // octal (or hexadecimal): the consumer evaluates it
        }
        try {
            long v = Long.parseLong(digits);
            return v < EXACT_AS_DOUBLE ? Optional.of(v + ".0") : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * True when the identifier ending at {@code end} stands alone as a condition ({@code urgent},
     * {@code a = 1 AND urgent}): JMS selects a boolean property's true value there, while the broker compares header
     * text and never matches a bare name. Such selectors are evaluated by the consumer. Conservative: an identifier
     * followed by the end, {@code )}, {@code AND} or {@code OR} counts (also {@code x BETWEEN lo AND hi} with a
     * property as {@code lo}, which then only costs the consumer-side evaluation).
     */
    private static boolean aloneAsCondition(String selector, int end) {
        int i = end;
        while (i < selector.length() && Character.isWhitespace(selector.charAt(i))) {
            i++;
        }
        if (i == selector.length() || selector.charAt(i) == ')') {
            return true;
        }
        int start = i;
        while (i < selector.length() && Character.isJavaIdentifierPart(selector.charAt(i))) {
            i++;
        }
        String next = selector.substring(start, i).toUpperCase(Locale.ROOT);
        return next.equals("AND") || next.equals("OR");
    }

    private static boolean translatable(String identifier) {
        if (KEYWORDS.contains(identifier.toUpperCase(Locale.ROOT))) {
            return true;
        }
        if (identifier.startsWith("$") || COMPUTED.contains(identifier)) {
            return false;
        }
        if (identifier.startsWith("JMSX") || identifier.startsWith("JMS_")) {
            return true;
        }
        return !identifier.startsWith("JMS") || HEADER_FIELDS.contains(identifier);
    }

    /** Index just past the string literal that starts at {@code open} ({@code ''} is an escaped quote). */
    private static int endOfString(String s, int open) {
        int i = open + 1;
        while (i < s.length()) {
            if (s.charAt(i) == '\'') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return i;
    }
}
