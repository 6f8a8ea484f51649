package io.streambus.broker.log;

/** Outcome of {@link LogManager#createTopic}. */
public enum CreateTopicResult {
    /** The topic was created now. */
    CREATED,
    /** The topic already existed with the requested partition count; nothing changed (A.6.4 still answers 1). */
    ALREADY_EXISTS;

    /** True when the topic was created by this call. */
    public boolean created() {
        return this == CREATED;
    }
}
