package io.streambus.broker.security;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether a principal may perform an operation on a resource, from the rules of an {@link AclFile}.
 *
 * <p>Default: {@link #allowAll()} only when no ACL file is configured. With a file, everything its rules do not
 * allow is denied (the file may be empty: then everything is denied). Which request needs which check is in
 * {@link RequestAuthorization}.
 *
 * <p>Unauthenticated connections are checked as principal {@value #ANONYMOUS} (spec B.5.2).
 *
 * <p>Immutable and thread-safe.
 */
public final class Authorizer {
    /** Principal of connections that have not authenticated. */
    public static final String ANONYMOUS = "anonymous";

    private static final Authorizer ALLOW_ALL = new Authorizer(null);

    private final List<AclRule> rules;

    private Authorizer(List<AclRule> rules) {
        this.rules = rules;
    }

    /** Allows everything (the broker without an ACL file). */
    public static Authorizer allowAll() {
        return ALLOW_ALL;
    }

    /** Allows exactly what the file's rules allow. */
    public static Authorizer of(AclFile file) {
        return new Authorizer(file.rules());
    }

    /** Loads an ACL file; see {@link AclFile} for the format. */
    public static Authorizer fromFile(Path file) throws IOException {
        return of(AclFile.load(file));
    }

    /** True for {@link #allowAll()}: callers may skip building check arguments. */
    public boolean isAllowAll() {
        return rules == null;
    }

    /**
     * @param principal the authenticated name, or {@value #ANONYMOUS}
     * @param name the topic, group or transactional id; ignored for {@link ResourceType#CLUSTER}
     */
    public boolean authorize(String principal, Operation op, ResourceType type, String name) {
        if (rules == null) {
            return true;
        }
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(type, "type");
        String resource = type == ResourceType.CLUSTER ? ResourceType.CLUSTER_NAME : Objects.requireNonNull(name);
        for (AclRule r : rules) {
            if (r.allows(principal, op, type, resource)) {
                return true;
            }
        }
        return false;
    }

    /** Shorthand for a {@link RequestAuthorization.Check}. */
    public boolean authorize(String principal, RequestAuthorization.Check check, String name) {
        return authorize(principal, check.operation(), check.resourceType(), name);
    }

    /**
     * The denial text, in the reference's words (A.9):
     * {@code Access denied: principal '<p>' is not authorized to perform '<ACTION>' on resource '<name>'}.
     */
    public static String denialMessage(String principal, String action, String resourceName) {
        return "Access denied: principal '" + principal + "' is not authorized to perform '" + action
                + "' on resource '" + resourceName + "'";
    }

    @Override
    public String toString() {
        return rules == null ? "Authorizer[allow all]" : "Authorizer[" + rules.size() + " rules, default deny]";
    }
}
