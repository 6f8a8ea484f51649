package io.streambus.broker.share;

/**
 * The configuration of one share group (spec B.13.2). Immutable and thread-safe.
 *
 * @param maxDeliveryAttempts 1 to 1000
 * @param acquisitionLockMs   1000 to 3600000
 * @param deadLetterTopic     empty: none
 * @param autoOffsetReset     0 earliest, 1 latest
 * @param maxInFlightRecords  1 to 100000
 */
public record ShareGroupSettings(int maxDeliveryAttempts, int acquisitionLockMs, String deadLetterTopic,
                                 int autoOffsetReset, int maxInFlightRecords) {
    /** The defaults of B.13.2. */
    public static final ShareGroupSettings DEFAULTS = new ShareGroupSettings(5, 30_000, "", 0, 2000);

    public ShareGroupSettings {
        deadLetterTopic = deadLetterTopic == null ? "" : deadLetterTopic;
    }

    /** The name of the first setting outside its allowed values (B.13.2), or null if all are valid. */
    public String problem() {
        if (maxDeliveryAttempts < 1 || maxDeliveryAttempts > 1000) {
            return "max delivery attempts " + maxDeliveryAttempts + " is outside 1 to 1000";
        }
        if (acquisitionLockMs < 1000 || acquisitionLockMs > 3_600_000) {
            return "acquisition lock ms " + acquisitionLockMs + " is outside 1000 to 3600000";
        }
        if (!deadLetterTopic.isEmpty() && io.streambus.protocol.TopicNames.problem(deadLetterTopic) != null) {
            return "dead-letter topic: " + io.streambus.protocol.TopicNames.problem(deadLetterTopic);
        }
        if (autoOffsetReset != 0 && autoOffsetReset != 1) {
            return "auto offset reset " + autoOffsetReset + " is neither 0 (earliest) nor 1 (latest)";
        }
        if (maxInFlightRecords < 1 || maxInFlightRecords > 100_000) {
            return "max in-flight records " + maxInFlightRecords + " is outside 1 to 100000";
        }
        return null;
    }
}
