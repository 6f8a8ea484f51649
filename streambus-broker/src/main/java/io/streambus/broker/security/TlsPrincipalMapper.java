package io.streambus.broker.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.security.auth.x500.X500Principal;

/**
 * Maps the subject of a verified TLS client certificate to the broker principal.
 *
 * <p>The principal is always {@value #PREFIX} followed by the mapped name, so certificate principals live in their
 * own namespace: no certificate can ever map to a SASL user name, to {@code anonymous}, or to an ACL pattern meant
 * for SASL users (an ACL names a certificate user as {@code tls:...}). The mapped name comes from the subject's full
 * RFC 2253 distinguished name ({@code CN=alice,O=Acme}) and a list of rules, in the syntax of Kafka's
 * {@code ssl.principal.mapping.rules}:
 *
 * <pre>
 * RULE:^CN=([^,]+),O=Acme$/$1/L , DEFAULT
 * </pre>
 *
 * <ul>
 *   <li>{@code RULE:pattern/replacement/} with an optional {@code L} (lower case) or {@code U} (upper case) after
 *       the last slash. The pattern (a {@link Pattern}) must match the whole DN; the name is then
 *       {@code replacement} with {@code $1}-style group references. {@code \/} writes a slash inside pattern or
 *       replacement.</li>
 *   <li>{@code DEFAULT}: the whole RFC 2253 DN, unchanged.</li>
 *   <li>Rules are separated by commas and/or whitespace and tried in order; the first that matches wins. A rule
 *       whose result is empty does not match. When no rule matches, {@code DEFAULT} applies (so a DN a rule did
 *       not foresee, e.g. with two CNs, keeps its full, unambiguous form rather than being refused).</li>
 * </ul>
 *
 * <p>The default mapper ({@link #DEFAULT_RULES}) gives {@code tls:CN=alice,O=Acme}. A certificate whose subject has
 * two CNs ({@code CN=alice,CN=admin,O=Acme}) keeps both in its principal, so it cannot pass for either.
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsPrincipalMapper {
    /** Prefix of every certificate principal. */
    public static final String PREFIX = "tls:";
    /** The default rule list: the full DN. */
    public static final String DEFAULT_RULES = "DEFAULT";

    private static final TlsPrincipalMapper DEFAULT = parse(DEFAULT_RULES);

    private final String rulesText;
    private final List<Rule> rules;

    private TlsPrincipalMapper(String rulesText, List<Rule> rules) {
        this.rulesText = rulesText;
        this.rules = List.copyOf(rules);
    }

    /** The mapper of {@link #DEFAULT_RULES}. */
    public static TlsPrincipalMapper defaultMapper() {
        return DEFAULT;
    }

    /**
     * Parses a rule list (syntax in the class comment).
     *
     * @throws IllegalArgumentException naming the position and the problem
     */
    public static TlsPrincipalMapper parse(String rulesText) {
        Objects.requireNonNull(rulesText, "rulesText");
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        int n = rulesText.length();
        while (true) {
            while (i < n && (rulesText.charAt(i) == ',' || Character.isWhitespace(rulesText.charAt(i)))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (rulesText.startsWith("DEFAULT", i)) {
                rules.add(Rule.DEFAULT_RULE);
                i += "DEFAULT".length();
            } else if (rulesText.startsWith("RULE:", i)) {
                int start = i;
                i += "RULE:".length();
                StringBuilder pattern = new StringBuilder();
                i = readUntilSlash(rulesText, i, pattern, start);
                StringBuilder replacement = new StringBuilder();
                i = readUntilSlash(rulesText, i, replacement, start);
                char caseMode = 0;
                if (i < n && (rulesText.charAt(i) == 'L' || rulesText.charAt(i) == 'U')) {
                    caseMode = rulesText.charAt(i++);
                }
                Pattern compiled;
                try {
                    compiled = Pattern.compile(pattern.toString());
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("TLS principal mapping rule at index " + start
                            + ": bad pattern: " + e.getDescription());
                }
                checkGroupReferences(replacement.toString(), compiled.matcher("").groupCount(), start);
                rules.add(new Rule(compiled, replacement.toString(), caseMode));
            } else {
                throw new IllegalArgumentException("TLS principal mapping: expected RULE:pattern/replacement/[LU]"
                        + " or DEFAULT at index " + i + " of '" + rulesText + "'");
            }
            if (i < n && rulesText.charAt(i) != ',' && !Character.isWhitespace(rulesText.charAt(i))) {
                throw new IllegalArgumentException("TLS principal mapping: unexpected '" + rulesText.charAt(i)
                        + "' at index " + i + " of '" + rulesText + "' (rules are separated by commas)");
            }
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("TLS principal mapping: no rules (use DEFAULT for the full DN)");
        }
        return new TlsPrincipalMapper(rulesText.strip(), rules);
    }

    private static int readUntilSlash(String s, int i, StringBuilder out, int ruleStart) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                out.append('/');
                i += 2;
            } else if (c == '/') {
                return i + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("TLS principal mapping rule at index " + ruleStart
                + ": missing '/' (expected RULE:pattern/replacement/[LU])");
    }

    /** A {@code $n} reference beyond the pattern's groups would fail at login time: refuse it at parse time. */
    private static void checkGroupReferences(String replacement, int groups, int ruleStart) {
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '$' && i + 1 < replacement.length() && Character.isDigit(replacement.charAt(i + 1))) {
                int group = replacement.charAt(i + 1) - '0';
                if (group > groups) {
                    throw new IllegalArgumentException("TLS principal mapping rule at index " + ruleStart
                            + ": replacement refers to group " + group + " but the pattern has " + groups);
                }
            }
        }
    }

    /** The principal for a certificate subject: {@value #PREFIX} and the mapped name. */
    public String principal(X500Principal subject) {
        return PREFIX + map(subject.getName(X500Principal.RFC2253));
    }

    /** The mapped name of an RFC 2253 DN, without the prefix. */
    public String map(String dn) {
        for (Rule r : rules) {
            String name = r.apply(dn);
            if (name != null && !name.isEmpty()) {
                return name;
            }
        }
        return dn;
    }

    /** The rule text this mapper was parsed from. */
    public String rules() {
        return rulesText;
    }

    @Override
    public String toString() {
        return "TlsPrincipalMapper[" + rulesText + "]";
    }

    /** One rule: null pattern for DEFAULT. */
    private record Rule(Pattern pattern, String replacement, char caseMode) {
        static final Rule DEFAULT_RULE = new Rule(null, null, (char) 0);

        /** The mapped name, or null when the rule does not match. */
        String apply(String dn) {
            if (pattern == null) {
                return dn;
            }
            Matcher m = pattern.matcher(dn);
            if (!m.matches()) {
                return null;
            }
            String name;
            try {
                name = m.replaceAll(replacement);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                // A group reference the pattern does not have: treat as not matching rather than failing the login.
                return null;
            }
            return switch (caseMode) {
                case 'L' -> name.toLowerCase(Locale.ROOT);
                case 'U' -> name.toUpperCase(Locale.ROOT);
                default -> name;
            };
        }
    }
}
