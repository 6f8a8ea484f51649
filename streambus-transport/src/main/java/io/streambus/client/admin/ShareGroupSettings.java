package io.streambus.client.admin;

import java.util.Optional;

/**
 * Changes to a share group's configuration (spec B.13.2, sent with ShareGroupConfigure, B.13.7): every setting left
 * empty keeps its current value (or the broker default for a new group). Immutable and thread-safe; build with
 * {@link #builder()}.
 *
 * @param maxDeliveryAttempts a record is delivered at most this many times (1 to 1000; default 5)
 * @param acquisitionLockMs   how long an acquisition or renewal locks a record (1000 to 3600000; default 30000)
 * @param deadLetterTopic     where archived records are copied; "" removes it (default none)
 * @param autoOffsetReset     where a new share-partition starts: {@code earliest} (default) or {@code latest}
 * @param maxInFlightRecords  bound on the in-flight window of each share-partition (1 to 100000; default 2000)
 */
public record ShareGroupSettings(Optional<Integer> maxDeliveryAttempts, Optional<Integer> acquisitionLockMs,
                                 Optional<String> deadLetterTopic, Optional<String> autoOffsetReset,
                                 Optional<Integer> maxInFlightRecords) {
    public ShareGroupSettings {
        autoOffsetReset.ifPresent(v -> {
            if (!v.equals("earliest") && !v.equals("latest")) {
                throw new IllegalArgumentException("autoOffsetReset must be earliest or latest: " + v);
            }
        });
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link ShareGroupSettings}. Not thread-safe. */
    public static final class Builder {
        private Integer maxDeliveryAttempts;
        private Integer acquisitionLockMs;
        private String deadLetterTopic;
        private String autoOffsetReset;
        private Integer maxInFlightRecords;

        private Builder() {
        }

        /** Kafka's {@code share.delivery.count.limit}. */
        public Builder maxDeliveryAttempts(int v) {
            maxDeliveryAttempts = v;
            return this;
        }

        /** Kafka's {@code share.record.lock.duration.ms}. */
        public Builder acquisitionLockMs(int v) {
            acquisitionLockMs = v;
            return this;
        }

        /** Kafka's {@code errors.deadletterqueue.topic.name}; "" for none. */
        public Builder deadLetterTopic(String v) {
            deadLetterTopic = v;
            return this;
        }

        /** Kafka's {@code share.auto.offset.reset}: earliest or latest. */
        public Builder autoOffsetReset(String v) {
            autoOffsetReset = v;
            return this;
        }

        /** Kafka's {@code share.partition.max.record.locks}. */
        public Builder maxInFlightRecords(int v) {
            maxInFlightRecords = v;
            return this;
        }

        /** The settings. */
        public ShareGroupSettings build() {
            return new ShareGroupSettings(Optional.ofNullable(maxDeliveryAttempts),
                    Optional.ofNullable(acquisitionLockMs), Optional.ofNullable(deadLetterTopic),
                    Optional.ofNullable(autoOffsetReset), Optional.ofNullable(maxInFlightRecords));
        }
    }
}
