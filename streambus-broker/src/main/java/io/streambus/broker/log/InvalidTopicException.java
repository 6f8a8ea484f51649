package io.streambus.broker.log;

/**
 * A topic name outside {@code [A-Za-z0-9._-]{1,249}}, {@code .} or {@code ..}, or a partition count outside
 * 1..{@value LogManager#MAX_PARTITIONS} (A.6.4). Wire code 2 InvalidRequest.
 */
public final class InvalidTopicException extends LogException {
    private static final long serialVersionUID = 1L;

    public InvalidTopicException(String message) {
        super(message);
    }

    @Override
    public int errorCode() {
        return 2;
    }
}
