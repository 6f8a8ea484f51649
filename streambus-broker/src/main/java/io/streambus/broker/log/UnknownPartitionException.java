package io.streambus.broker.log;

/**
 * The topic exists but has no such partition. Wire code 8 TopicNotFound, as the reference answers (A.6.1), with
 * its message text.
 */
public final class UnknownPartitionException extends LogException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;

    public UnknownPartitionException(String topic, int partition) {
        super("partition " + Integer.toUnsignedString(partition) + " does not exist in topic " + topic);
        this.topic = topic;
        this.partition = partition;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    @Override
    public int errorCode() {
        return 8;
    }
}
