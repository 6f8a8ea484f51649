package io.streambus.broker.log;

/** The topic exists with a different partition count (A.6.4). Wire code 9 TopicExists. */
public final class TopicExistsException extends LogException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int existingPartitions;
    private final int requestedPartitions;

    public TopicExistsException(String topic, int existingPartitions, int requestedPartitions) {
        // Same text as the reference broker after its "failed to create topic: " prefix (A.6.4).
        super("topic " + topic + " already exists with " + existingPartitions
                + " partitions, cannot recreate with " + requestedPartitions + " partitions");
        this.topic = topic;
        this.existingPartitions = existingPartitions;
        this.requestedPartitions = requestedPartitions;
    }

    public String topic() {
        return topic;
    }

    public int existingPartitions() {
        return existingPartitions;
    }

    public int requestedPartitions() {
        return requestedPartitions;
    }

    @Override
    public int errorCode() {
        return 9;
    }
}
