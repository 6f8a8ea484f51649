package io.streambus.broker.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A small ACL file: one rule per line, everything not allowed is denied.
 *
 * <pre>
 * # principal      operations          resource
 * allow alice      produce,fetch       topic:orders
 * allow "Jane Doe" fetch               topic:metrics-*
 * allow *          group               group:public-*
 * allow admin      *                   topic:*
 * allow admin      *                   group:*
 * allow admin      admin               cluster
 * allow svc-txn    produce             txn:svc-*
 * </pre>
 *
 * <ul>
 *   <li>Syntax: {@code allow <principal> <operations> <resource>}. Only {@code allow} exists; there are no deny
 *       rules and no implicit grants beyond "any operation on a resource allows describe on it".</li>
 *   <li>Principal: a user name (SASL), a certificate principal ({@code tls:CN=alice,O=Acme} by default, see
 *       {@link TlsPrincipalMapper}), {@code anonymous} for unauthenticated connections, {@code *} for everyone, or {@code prefix*}. Quote names containing spaces or
 *       {@code #} with double quotes ({@code \"} and {@code \\} escape inside quotes).</li>
 *   <li>Operations: a comma-separated list of {@code produce}, {@code fetch}, {@code admin}, {@code group},
 *       {@code describe}, or {@code *} for every operation that applies to the resource type
 *       ({@link ResourceType#operations()}). An operation that does not apply (e.g. {@code fetch group:x}) is an
 *       error.</li>
 *   <li>Resource: {@code topic:<pattern>}, {@code group:<pattern>}, {@code txn:<pattern>} (transactional ids) or
 *       {@code cluster}. A pattern is an exact name, {@code *}, or {@code prefix*}; {@code *} is only allowed at
 *       the end.</li>
 *   <li>{@code #} starts a comment (outside quotes); blank lines are ignored.</li>
 * </ul>
 *
 * Immutable and thread-safe once parsed.
 */
public final class AclFile {
    private final List<AclRule> rules;

    private AclFile(List<AclRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Reads and parses a file. */
    public static AclFile load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses ACL text.
     *
     * @param source name used in error messages (file name)
     * @throws AclFileException naming the line and the problem
     */
    public static AclFile parse(String text, String source) throws AclFileException {
        List<AclRule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            List<String> tokens = tokenize(lines[i], source, lineNo);
            if (tokens.isEmpty()) {
                continue;
            }
            if (!tokens.get(0).equals("allow")) {
                throw new AclFileException(source, lineNo, "rule must start with 'allow', got '" + tokens.get(0) + "'");
            }
            if (tokens.size() != 4) {
                throw new AclFileException(source, lineNo,
                        "expected: allow <principal> <operations> <resource>, got " + tokens.size() + " words");
            }
            String principal = tokens.get(1);
            checkPattern(principal, "principal", source, lineNo);
            String resource = tokens.get(3);
            ResourceType type;
            String pattern;
            if (resource.equals(ResourceType.CLUSTER.fileName())) {
                type = ResourceType.CLUSTER;
                pattern = ResourceType.CLUSTER_NAME;
            } else {
                int colon = resource.indexOf(':');
                type = colon < 0 ? null : resourceType(resource.substring(0, colon));
                if (type == null || type == ResourceType.CLUSTER) {
                    throw new AclFileException(source, lineNo, "unknown resource '" + resource
                            + "' (expected topic:<pattern>, group:<pattern>, txn:<pattern> or cluster)");
                }
                pattern = resource.substring(colon + 1);
                checkPattern(pattern, type.fileName() + " pattern", source, lineNo);
            }
            rules.add(new AclRule(principal, operations(tokens.get(2), type, source, lineNo), type, pattern, lineNo));
        }
        return new AclFile(rules);
    }

    /** The rules in file order. */
    public List<AclRule> rules() {
        return rules;
    }

    private static ResourceType resourceType(String prefix) {
        for (ResourceType t : ResourceType.values()) {
            if (t.fileName().equals(prefix)) {
                return t;
            }
        }
        return null;
    }

    private static Set<Operation> operations(String spec, ResourceType type, String source, int line)
            throws AclFileException {
        if (spec.equals("*")) {
            return type.operations();
        }
        Set<Operation> ops = EnumSet.noneOf(Operation.class);
        for (String word : spec.split(",", -1)) {
            Operation op = null;
            for (Operation o : Operation.values()) {
                if (o.fileName().equals(word)) {
                    op = o;
                }
            }
            if (op == null) {
                throw new AclFileException(source, line, "unknown operation '" + word
                        + "' (expected produce, fetch, admin, group, describe or *)");
            }
            if (!type.operations().contains(op)) {
                throw new AclFileException(source, line, "operation '" + word + "' does not apply to "
                        + type.fileName() + " resources (allowed: " + String.join(", ",
                        type.operations().stream().map(Operation::fileName).toList()) + ")");
            }
            ops.add(op);
        }
        return ops;
    }

    private static void checkPattern(String pattern, String what, String source, int line) throws AclFileException {
        if (pattern.isEmpty()) {
            throw new AclFileException(source, line, "empty " + what);
        }
        int star = pattern.indexOf('*');
        if (star >= 0 && star != pattern.length() - 1) {
            throw new AclFileException(source, line, what + " '" + pattern
                    + "': '*' is only allowed as the last character");
        }
    }

    private static List<String> tokenize(String line, String source, int lineNo) throws AclFileException {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                break;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char q = line.charAt(i++);
                    if (q == '\\' && i < n) {
                        sb.append(line.charAt(i++));
                    } else if (q == '"') {
                        closed = true;
                        break;
                    } else {
                        sb.append(q);
                    }
                }
                if (!closed) {
                    throw new AclFileException(source, lineNo, "unterminated quote");
                }
                if (i < n && !Character.isWhitespace(line.charAt(i))) {
                    throw new AclFileException(source, lineNo, "text directly after a closing quote");
                }
                tokens.add(sb.toString());
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                String word = line.substring(start, i);
                tokens.add(tokens.isEmpty() ? word.toLowerCase(Locale.ROOT) : word);
            }
        }
        return tokens;
    }
}
