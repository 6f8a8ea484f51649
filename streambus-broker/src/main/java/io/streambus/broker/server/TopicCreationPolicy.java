package io.streambus.broker.server;

import io.streambus.broker.limits.BrokerLimits;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.security.Authorizer;
import io.streambus.broker.security.Operation;
import io.streambus.broker.security.ResourceType;

/**
 * Who may have a topic created and how many there may be: the topic and partitions-per-topic limits
 * ({@link BrokerLimits}) for CreateTopic and auto-creation, and the right auto-creation needs (the ACL {@code create}
 * operation, or {@code admin}, which CreateTopic needs; the model is Kafka, whose auto-create needs CREATE). Without
 * these, a principal allowed only to fetch {@code public-*} could create topics until the broker ran out of file
 * descriptors. Thread-safe (reads the log manager's topic map; the count check may let a concurrent create pass by
 * one).
 */
final class TopicCreationPolicy {
    private final BrokerLimits limits;
    private final LogManager logs;
    /** Null when every principal may do everything. */
    private final Authorizer authorizer;

    TopicCreationPolicy(BrokerLimits limits, LogManager logs, Authorizer authorizer) {
        this.limits = limits;
        this.logs = logs;
        this.authorizer = authorizer;
    }

    /**
     * Null if a topic of {@code partitions} partitions may be created under the limits, else why not. An existing
     * topic is never refused for the topic count (CreateTopic answers it as A.6.4 says).
     */
    String limitProblem(String topic, int partitions) {
        if (Integer.compareUnsigned(partitions, limits.maxPartitionsPerTopic()) > 0) {
            return "partition count " + Integer.toUnsignedString(partitions) + " exceeds the broker's limit of "
                    + limits.maxPartitionsPerTopic();
        }
        if (logs.partitionCount(topic) < 0 && logs.topics().size() >= limits.maxTopics()) {
            return "the broker holds its limit of " + limits.maxTopics() + " topics";
        }
        return null;
    }

    /** True if {@code principal} may have the missing {@code topic} auto-created (rights and limits). */
    boolean mayAutoCreate(String principal, String topic) {
        boolean allowed = authorizer == null
                || authorizer.authorize(principal, Operation.CREATE, ResourceType.TOPIC, topic)
                || authorizer.authorize(principal, Operation.ADMIN, ResourceType.TOPIC, topic);
        return allowed && limitProblem(topic, 1) == null;
    }
}
