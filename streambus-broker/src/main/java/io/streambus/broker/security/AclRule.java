package io.streambus.broker.security;

import java.util.Set;

/**
 * One {@code allow} line of an {@link AclFile}. Patterns are an exact name, {@code *} (anything) or
 * {@code prefix*} (names starting with {@code prefix}).
 *
 * @param principal principal pattern ({@code *} matches every principal, {@code anonymous} included)
 * @param operations the operations allowed (already expanded from {@code *})
 * @param resourceType what the rule protects
 * @param resourcePattern name pattern; {@code cluster} for {@link ResourceType#CLUSTER}
 * @param line 1-based line in the file, for diagnostics
 */
public record AclRule(String principal, Set<Operation> operations, ResourceType resourceType,
        String resourcePattern, int line) {

    public AclRule {
        operations = Set.copyOf(operations);
    }

    /** True when this rule allows {@code op} on the resource for {@code principalName}. */
    public boolean allows(String principalName, Operation op, ResourceType type, String name) {
        if (type != resourceType || !matches(principal, principalName)) {
            return false;
        }
        if (!operations.contains(op) && !(op == Operation.DESCRIBE && !operations.isEmpty())) {
            return false;
        }
        return type == ResourceType.CLUSTER || matches(resourcePattern, name);
    }

    static boolean matches(String pattern, String value) {
        if (pattern.endsWith("*")) {
            return value.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(value);
    }
}
