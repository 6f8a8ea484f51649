package io.streambus.broker.group;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Broker settings of the group coordinator. Immutable; build with {@link #builder()}.
 *
 * <ul>
 * <li>{@code minSessionTimeoutMs} / {@code maxSessionTimeoutMs}: allowed session timeouts, default 6000–300000
 *     (B.6.1); outside: code 21.</li>
 * <li>{@code initialRebalanceDelayMs}: wait before ending a join phase that started from Empty, default 0 (Kafka's
 *     {@code group.initial.rebalance.delay.ms}); capped by the group's rebalance timeout.</li>
 * <li>{@code offsetRetention}: how long offsets outlive an Empty group (or, for standalone-only groups, each
 *     partition's last commit); default 7 days; empty = never (B.6.8).</li>
 * <li>{@code offsetsCompactionThresholdBytes}: size above which the offsets log is compacted, default 64 MiB.</li>
 * <li>{@code offsetsQueueLimits}: bounds of the offsets log's write queue, default 4,096 writes or 16 MiB; a commit
 *     beyond them is answered with the retriable code 6 ({@link OffsetStore.Limits}).</li>
 * </ul>
 */
public final class GroupCoordinatorConfig {

    /** Default largest rebalance timeout: 5 minutes, the default session timeout maximum. */
    public static final int DEFAULT_MAX_REBALANCE_TIMEOUT_MS = 300_000;

    private final int minSessionTimeoutMs;
    private final int maxSessionTimeoutMs;
    private final int initialRebalanceDelayMs;
    private final int maxRebalanceTimeoutMs;
    private final Optional<Duration> offsetRetention;
    private final long offsetsCompactionThresholdBytes;
    private final OffsetStore.Limits offsetsQueueLimits;
    private final boolean durableMembership;

    private GroupCoordinatorConfig(Builder b) {
        this.minSessionTimeoutMs = b.minSessionTimeoutMs;
        this.maxSessionTimeoutMs = b.maxSessionTimeoutMs;
        this.initialRebalanceDelayMs = b.initialRebalanceDelayMs;
        this.maxRebalanceTimeoutMs = b.maxRebalanceTimeoutMs;
        this.offsetRetention = b.offsetRetention;
        this.offsetsCompactionThresholdBytes = b.offsetsCompactionThresholdBytes;
        this.offsetsQueueLimits = b.offsetsQueueLimits;
        this.durableMembership = b.durableMembership;
    }

    /**
     * Whether a coordinator opened on a data directory keeps group membership (members, generation, protocol,
     * leader, assignments) across restarts (default true), in the offsets log under the broker's flush policy; see
     * {@code DurableMembership}.
     */
    public boolean durableMembership() {
        return durableMembership;
    }

    /** The defaults of the spec. */
    public static GroupCoordinatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int minSessionTimeoutMs() {
        return minSessionTimeoutMs;
    }

    public int maxSessionTimeoutMs() {
        return maxSessionTimeoutMs;
    }

    public int initialRebalanceDelayMs() {
        return initialRebalanceDelayMs;
    }

    /**
     * The largest rebalance timeout a JoinGroup may ask for; above it the JoinGroup is invalid (code 2), so that no
     * client can hold a join phase, and the requests queued behind its held JoinGroup, for longer.
     */
    public int maxRebalanceTimeoutMs() {
        return maxRebalanceTimeoutMs;
    }

    /** The retention period, or empty for "never". */
    public Optional<Duration> offsetRetention() {
        return offsetRetention;
    }

    public long offsetsCompactionThresholdBytes() {
        return offsetsCompactionThresholdBytes;
    }

    /** Bounds of the offsets log's write queue. */
    public OffsetStore.Limits offsetsQueueLimits() {
        return offsetsQueueLimits;
    }

    /**
     * Parses a retention setting: {@code never}, an ISO-8601 duration ({@code PT24H}, {@code P7D}), or a number
     * with a unit {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} ({@code 7d}, {@code 90m}).
     *
     * @return the duration, or empty for {@code never}
     * @throws IllegalArgumentException naming the bad value
     */
    public static Optional<Duration> parseRetention(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("never")) {
            return Optional.empty();
        }
        Duration d;
        try {
            if (s.startsWith("p")) {
                d = Duration.parse(s.toUpperCase(Locale.ROOT));
            } else {
                int unitStart = 0;
                while (unitStart < s.length() && Character.isDigit(s.charAt(unitStart))) {
                    unitStart++;
                }
                long n = Long.parseLong(s.substring(0, unitStart));
                d = switch (s.substring(unitStart)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> throw new IllegalArgumentException("unknown unit");
                };
            }
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid offset retention '" + text
                    + "': expected 'never', an ISO-8601 duration or a number with ms/s/m/h/d", e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("offset retention must be positive or 'never', was '" + text + "'");
        }
        return Optional.of(d);
    }

    @Override
    public String toString() {
        return "GroupCoordinatorConfig[sessionTimeout=" + minSessionTimeoutMs + ".." + maxSessionTimeoutMs
                + " ms, maxRebalanceTimeout=" + maxRebalanceTimeoutMs + " ms, initialRebalanceDelay="
                + initialRebalanceDelayMs + " ms, offsetRetention="
                + offsetRetention.map(Duration::toString).orElse("never") + ", compactionThreshold="
                + offsetsCompactionThresholdBytes + " B, offsetsQueue=" + offsetsQueueLimits.maxQueuedWrites()
                + " writes/" + offsetsQueueLimits.maxQueuedBytes() + " B]";
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private int minSessionTimeoutMs = 6000;
        private int maxSessionTimeoutMs = 300_000;
        private int initialRebalanceDelayMs = 0;
        private int maxRebalanceTimeoutMs = DEFAULT_MAX_REBALANCE_TIMEOUT_MS;
        private Optional<Duration> offsetRetention = Optional.of(Duration.ofDays(7));
        private long offsetsCompactionThresholdBytes = OffsetStore.DEFAULT_COMPACTION_THRESHOLD_BYTES;
        private OffsetStore.Limits offsetsQueueLimits = OffsetStore.Limits.DEFAULT;
        private boolean durableMembership = true;

        private Builder() {
        }

        public Builder sessionTimeoutRange(int minMs, int maxMs) {
            if (minMs <= 0 || maxMs < minMs) {
                throw new IllegalArgumentException("session timeout range must satisfy 0 < min <= max, was "
                        + minMs + ".." + maxMs);
            }
            this.minSessionTimeoutMs = minMs;
            this.maxSessionTimeoutMs = maxMs;
            return this;
        }

        /** @param ms the largest accepted rebalance timeout, at least 1 */
        public Builder maxRebalanceTimeoutMs(int ms) {
            if (ms < 1) {
                throw new IllegalArgumentException("max rebalance timeout must be at least 1 ms, was " + ms);
            }
            this.maxRebalanceTimeoutMs = ms;
            return this;
        }

        public Builder initialRebalanceDelayMs(int ms) {
            if (ms < 0) {
                throw new IllegalArgumentException("initial rebalance delay must be >= 0, was " + ms);
            }
            this.initialRebalanceDelayMs = ms;
            return this;
        }

        /** A positive retention period. */
        public Builder offsetRetention(Duration retention) {
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("offset retention must be positive, was " + retention);
            }
            this.offsetRetention = Optional.of(retention);
            return this;
        }

        /** Offsets never expire. */
        public Builder offsetRetentionNever() {
            this.offsetRetention = Optional.empty();
            return this;
        }

        /** A setting as {@link #parseRetention} reads it ({@code never}, {@code 7d}, {@code PT24H}, …). */
        public Builder offsetRetention(String setting) {
            this.offsetRetention = parseRetention(setting);
            return this;
        }

        public Builder offsetsCompactionThresholdBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("compaction threshold must be positive, was " + bytes);
            }
            this.offsetsCompactionThresholdBytes = bytes;
            return this;
        }

        /** Bounds of the offsets log's write queue (default {@link OffsetStore.Limits#DEFAULT}). */
        public Builder offsetsQueueLimits(OffsetStore.Limits limits) {
            this.offsetsQueueLimits = java.util.Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** See {@link GroupCoordinatorConfig#durableMembership()}; false restores the B.6.1 behaviour of old. */
        public Builder durableMembership(boolean on) {
            this.durableMembership = on;
            return this;
        }

        public GroupCoordinatorConfig build() {
            return new GroupCoordinatorConfig(this);
        }
    }
}
