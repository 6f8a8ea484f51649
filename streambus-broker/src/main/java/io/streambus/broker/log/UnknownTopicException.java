package io.streambus.broker.log;

/**
 * The topic does not exist, or was deleted while the caller still held one of its {@link PartitionLog}s. Wire code
 * 8 TopicNotFound.
 */
public final class UnknownTopicException extends LogException {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public UnknownTopicException(String topic) {
        super("topic " + topic + " does not exist");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    @Override
    public int errorCode() {
        return 8;
    }
}
