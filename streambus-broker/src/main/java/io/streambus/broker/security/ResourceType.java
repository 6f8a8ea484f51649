package io.streambus.broker.security;

import java.util.EnumSet;
import java.util.Set;

/** What an ACL rule protects: a topic, a consumer group, a transactional id, or the cluster itself. */
public enum ResourceType {
    TOPIC("topic", EnumSet.of(Operation.PRODUCE, Operation.FETCH, Operation.ADMIN, Operation.CREATE,
            Operation.DESCRIBE)),
    GROUP("group", EnumSet.of(Operation.GROUP, Operation.ADMIN, Operation.DESCRIBE)),
    TRANSACTIONAL_ID("txn", EnumSet.of(Operation.PRODUCE, Operation.DESCRIBE)),
    CLUSTER("cluster", EnumSet.of(Operation.ADMIN, Operation.DESCRIBE));

    /** Resource name used for {@link #CLUSTER} in checks and denial messages (as the reference, A.9). */
    public static final String CLUSTER_NAME = "cluster";

    private final String fileName;
    private final Set<Operation> operations;

    ResourceType(String fileName, Set<Operation> operations) {
        this.fileName = fileName;
        this.operations = operations;
    }

    /** The prefix used in ACL files ({@code topic:}, {@code group:}, {@code txn:}) or {@code cluster}. */
    public String fileName() {
        return fileName;
    }

    /** The operations that make sense on this type; a rule naming another is a file error. */
    public Set<Operation> operations() {
        return EnumSet.copyOf(operations);
    }
}
