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
 * refuses arithmetic on header values): the consumer then evaluates it itself (see {@link ShareSource}).
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

    private ShareFilter() {
    }

    /**
     * The broker filter for {@code selector}: empty when the selector cannot be evaluated on headers exactly as JMS
     * defines it (the caller evaluates it then), the selector itself otherwise.
     */
    static Optional<String> translate(String selector) {
        if (selector == null || selector.isBlank()) {
            return Optional.empty();
        }
        int i = 0;
        int n = selector.length();
        while (i < n) {
            char c = selector.charAt(i);
            if (c == '\'') {
                i = endOfString(selector, i);
            } else if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < n && Character.isJavaIdentifierPart(selector.charAt(i))) {
                    i++;
                }
                if (!translatable(selector.substring(start, i))) {
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
            } else if (c == '+' || c == '-' || c == '*' || c == '/') {
                return Optional.empty();
            } else {
                i++;
            }
        }
        return Optional.of(selector);
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
