package io.streambus.camel.internal;

import io.streambus.camel.PollOnError;
import io.streambus.camel.SeekPolicy;
import io.streambus.camel.StreamBusConfiguration;
import io.streambus.camel.serde.StreamBusHeaderDeserializer;
import io.streambus.camel.serde.TypedHeaderCodec;
import io.streambus.camel.serde.UnsupportedHeaderPolicy;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.serialization.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.StateRepository;

/**
 * The validated, immutable consumer settings of one endpoint. Every invalid combination of options is refused here,
 * when the route starts, with a message naming the options.
 */
public final class ConsumerSettings {

    /** How partitions are obtained. */
    public enum Mode {
        /** As a member of a consumer group (the broker assigns partitions). */
        GROUP,
        /** Explicitly listed partitions, no group membership. */
        ASSIGNED,
        /** As a member of a share group: members compete for records; each record is acknowledged on its own. */
        SHARE
    }

    /** Who commits offsets. */
    public enum CommitMode {
        /** The consumer commits handled offsets by itself (interval, revocation, shutdown). */
        AUTO,
        /** Only the route commits, through the manual-commit header. */
        MANUAL,
        /** Nothing is committed. */
        NONE,
        /**
         * transacted=true: the offsets go to the transaction of the exchange's transacted producer; offsets of
         * exchanges that sent nothing in a transaction are committed directly, at once.
         */
        TRANSACTION
    }

    public final Mode mode;
    public final CommitMode commitMode;
    public final List<String> topics;
    public final Pattern pattern;
    public final List<Integer> partitions;
    public final String groupId;
    /** The share group (mode SHARE), else null. */
    public final String shareGroup;
    /** The broker-side selector of a share-group member, or null. */
    public final String shareFilter;
    /** What the route applies to its share group when it starts (configureShareGroup), or null for nothing. */
    public final ShareGroupSettings shareGroupSettings;
    public final StateRepository<String, String> offsetRepository;
    public final int consumersCount;
    public final SeekPolicy seekTo;
    public final Duration pollTimeout;
    public final long autoCommitIntervalMs;
    public final Duration commitTimeout;
    public final boolean breakOnFirstError;
    public final int breakOnFirstErrorMaxAttempts;
    public final PollOnError pollOnError;
    public final long pollErrorBackoffMs;
    public final Duration shutdownTimeout;
    public final Deserializer<?> keyDeserializer;
    public final Deserializer<?> valueDeserializer;
    public final StreamBusHeaderDeserializer headerDeserializer;
    public final HeaderFilterStrategy headerFilterStrategy;
    public final Map<String, Object> overrides;
    public final boolean lastRecordFlags;
    /** One exchange per poll, with the records' exchanges as a List body. */
    public final boolean batching;
    /** batching: how long a batch may gather records over several polls; zero: one poll is one batch. */
    public final Duration batchingInterval;
    /** The most records of one poll, and of one batch. */
    public final int maxPollRecords;

    private ConsumerSettings(StreamBusConfiguration c, CamelContext context) {
        String topic = c.getTopic();
        if (c.isTopicIsPattern()) {
            if (c.isExplicitPartitions()) {
                throw new IllegalArgumentException("topicIsPattern cannot be combined with partitions: a pattern is "
                        + "resolved by a consumer group (set groupId and remove partitions)");
            }
            try {
                pattern = Pattern.compile(topic);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("topicIsPattern=true but the topic '" + topic
                        + "' is not a valid regular expression: " + e.getDescription(), e);
            }
            topics = List.of();
        } else {
            pattern = null;
            List<String> t = new ArrayList<>();
            for (String s : topic.split(",")) {
                if (!s.isBlank()) {
                    t.add(s.trim());
                }
            }
            if (t.isEmpty()) {
                throw new IllegalArgumentException("no topic in '" + topic + "'");
            }
            topics = List.copyOf(new LinkedHashSet<>(t));
        }
        groupId = c.getGroupId() == null || c.getGroupId().isBlank() ? null : c.getGroupId().trim();
        offsetRepository = c.getOffsetRepository();
        shareGroup = c.getShareGroup() == null || c.getShareGroup().isBlank() ? null : c.getShareGroup().trim();
        shareFilter = c.getFilter() == null || c.getFilter().isBlank() ? null : c.getFilter().trim();
        if (shareGroup != null) {
            checkShareOptions(c);
            shareGroupSettings = shareGroupSettings(c);
            mode = Mode.SHARE;
            partitions = List.of();
        } else if (c.isExplicitPartitions()) {
            shareGroupSettings = null;
            mode = Mode.ASSIGNED;
            partitions = parsePartitions(c.getPartitions());
        } else {
            if (groupId == null) {
                throw new IllegalArgumentException("The streambus consumer of '" + topic + "' needs either groupId "
                        + "(to consume as a member of that consumer group, resuming from its committed offsets) or "
                        + "partitions (to read those partitions without a group, for example from a core-only "
                        + "broker, with offsetRepository to remember positions) or shareGroup (to compete for records as a "
                        + "member of that share group). No random group id is made up.");
            }
            shareGroupSettings = null;
            mode = Mode.GROUP;
            partitions = List.of();
        }
        if (shareGroup == null && (c.getMaxDeliveryAttempts() != null || c.getDeadLetterTopic() != null
                || c.getAcquisitionLockMs() != null || shareFilter != null)) {
            throw new IllegalArgumentException("maxDeliveryAttempts, deadLetterTopic, acquisitionLockMs and filter "
                    + "apply to share groups only: set shareGroup");
        }
        if (mode == Mode.SHARE) {
            commitMode = CommitMode.NONE; // each record is acknowledged by its exchange outcome
        } else if (c.isTransacted()) {
            if (groupId == null || offsetRepository != null || c.isAllowManualCommit()) {
                throw new IllegalArgumentException("transacted=true on a consumer commits the consumed offsets of a "
                        + "consumer group in the exchange's transaction: set groupId, and neither offsetRepository "
                        + "nor allowManualCommit");
            }
            commitMode = CommitMode.TRANSACTION;
        } else if (c.isAllowManualCommit()) {
            if (mode == Mode.ASSIGNED && groupId == null && offsetRepository == null) {
                throw new IllegalArgumentException("allowManualCommit=true needs somewhere to commit to: set "
                        + "offsetRepository, or groupId (committed offsets on the broker)");
            }
            commitMode = CommitMode.MANUAL;
        } else if (c.isAutoCommitEnable() && (mode == Mode.GROUP || groupId != null || offsetRepository != null)) {
            commitMode = CommitMode.AUTO;
        } else {
            commitMode = CommitMode.NONE;
        }
        if (c.getConsumersCount() < 1) {
            throw new IllegalArgumentException("consumersCount must be at least 1, was " + c.getConsumersCount());
        }
        consumersCount = mode == Mode.ASSIGNED
                ? Math.min(c.getConsumersCount(), partitions.size() * topics.size()) : c.getConsumersCount();
        if (c.getMaxPollRecords() < 1) {
            throw new IllegalArgumentException("maxPollRecords must be at least 1, was " + c.getMaxPollRecords());
        }
        String reset = c.getAutoOffsetReset() == null ? "latest" : c.getAutoOffsetReset().trim()
                .toLowerCase(Locale.ROOT);
        if (!List.of("earliest", "latest", "none").contains(reset)) {
            throw new IllegalArgumentException("autoOffsetReset must be earliest, latest or none, was '"
                    + c.getAutoOffsetReset() + "'");
        }
        seekTo = c.getSeekTo();
        pollTimeout = positive("pollTimeoutMs", c.getPollTimeoutMs());
        autoCommitIntervalMs = positive("autoCommitIntervalMs", c.getAutoCommitIntervalMs()).toMillis();
        commitTimeout = positive("commitTimeoutMs", c.getCommitTimeoutMs());
        shutdownTimeout = positive("shutdownTimeout", c.getShutdownTimeout());
        breakOnFirstError = c.isBreakOnFirstError();
        if (c.getBreakOnFirstErrorMaxAttempts() < 0) {
            throw new IllegalArgumentException("breakOnFirstErrorMaxAttempts must be 0 (no limit) or more, was "
                    + c.getBreakOnFirstErrorMaxAttempts());
        }
        breakOnFirstErrorMaxAttempts = c.getBreakOnFirstErrorMaxAttempts();
        pollOnError = c.getPollOnError() == null ? PollOnError.ERROR_HANDLER : c.getPollOnError();
        if (c.getPollErrorBackoffMs() < 0) {
            throw new IllegalArgumentException("pollErrorBackoffMs must not be negative");
        }
        pollErrorBackoffMs = c.getPollErrorBackoffMs();
        keyDeserializer = deserializer(context, c.getKeyDeserializer(), "keyDeserializer");
        valueDeserializer = deserializer(context, c.getValueDeserializer(), "valueDeserializer");
        headerDeserializer = c.getHeaderDeserializer() != null ? c.getHeaderDeserializer()
                : new TypedHeaderCodec(UnsupportedHeaderPolicy.CONVERT_TO_STRING, c.isUntypedHeadersAsBytes());
        headerFilterStrategy = c.getHeaderFilterStrategy();
        String isolation = c.getIsolationLevel();
        if (isolation != null && !isolation.isBlank()) {
            isolation = isolation.trim().toLowerCase(Locale.ROOT);
            if (!List.of("read_uncommitted", "read_committed").contains(isolation)) {
                throw new IllegalArgumentException("isolationLevel must be read_uncommitted or read_committed, was '"
                        + c.getIsolationLevel() + "'");
            }
        }
        Map<String, Object> o = ClientProperties.consumer(c);
        o.put(io.streambus.client.ClientConfig.AUTO_OFFSET_RESET, reset);
        overrides = Collections.unmodifiableMap(o);
        lastRecordFlags = (commitMode == CommitMode.MANUAL || commitMode == CommitMode.NONE) && !c.isBatching();
        batching = c.isBatching();
        maxPollRecords = c.getMaxPollRecords();
        if (c.getBatchingIntervalMs() < 0) {
            throw new IllegalArgumentException("batchingIntervalMs must not be negative, was " + c.getBatchingIntervalMs());
        }
        if (c.getBatchingIntervalMs() > 0 && !batching) {
            throw new IllegalArgumentException("batchingIntervalMs=" + c.getBatchingIntervalMs() + " needs batching=true");
        }
        batchingInterval = Duration.ofMillis(c.getBatchingIntervalMs());
    }

    private static void checkShareOptions(StreamBusConfiguration c) {
        List<String> conflicts = new ArrayList<>();
        if (c.getGroupId() != null && !c.getGroupId().isBlank()) {
            conflicts.add("groupId");
        }
        if (c.isExplicitPartitions()) {
            conflicts.add("partitions");
        }
        if (c.isTopicIsPattern()) {
            conflicts.add("topicIsPattern");
        }
        if (c.isAllowManualCommit()) {
            conflicts.add("allowManualCommit");
        }
        if (c.getOffsetRepository() != null) {
            conflicts.add("offsetRepository");
        }
        if (c.isBatching()) {
            conflicts.add("batching");
        }
        if (c.isBreakOnFirstError()) {
            conflicts.add("breakOnFirstError");
        }
        if (c.getSeekTo() != null) {
            conflicts.add("seekTo");
        }
        if (c.getIsolationLevel() != null && !c.getIsolationLevel().isBlank()) {
            conflicts.add("isolationLevel");
        }
        if (c.isTransacted()) {
            conflicts.add("transacted");
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("shareGroup=" + c.getShareGroup() + " cannot be combined with "
                    + String.join(", ", conflicts) + ": a share group settles each record by its exchange outcome "
                    + "(no offsets, no partitions of its own; a failed record is released for redelivery)");
        }
        if (c.getMaxDeliveryAttempts() != null && (c.getMaxDeliveryAttempts() < 1
                || c.getMaxDeliveryAttempts() > 1000)) {
            throw new IllegalArgumentException("maxDeliveryAttempts must be 1 to 1000, was "
                    + c.getMaxDeliveryAttempts());
        }
        if (c.getAcquisitionLockMs() != null && (c.getAcquisitionLockMs() < 1000
                || c.getAcquisitionLockMs() > 3_600_000)) {
            throw new IllegalArgumentException("acquisitionLockMs must be 1000 to 3600000, was "
                    + c.getAcquisitionLockMs());
        }
    }

    private static ShareGroupSettings shareGroupSettings(StreamBusConfiguration c) {
        if (c.getMaxDeliveryAttempts() == null && c.getDeadLetterTopic() == null && c.getAcquisitionLockMs() == null) {
            return null;
        }
        ShareGroupSettings.Builder b = ShareGroupSettings.builder();
        if (c.getMaxDeliveryAttempts() != null) {
            b.maxDeliveryAttempts(c.getMaxDeliveryAttempts());
        }
        if (c.getDeadLetterTopic() != null) {
            b.deadLetterTopic(c.getDeadLetterTopic().trim());
        }
        if (c.getAcquisitionLockMs() != null) {
            b.acquisitionLockMs(c.getAcquisitionLockMs());
        }
        return b.build();
    }

    /**
     * @throws IllegalArgumentException naming the option at fault
     */
    public static ConsumerSettings of(StreamBusConfiguration configuration, CamelContext context) {
        return new ConsumerSettings(configuration, context);
    }

    /** Whether the consumer commits to the broker (group or standalone commits), as opposed to a repository. */
    public boolean commitsToBroker() {
        return mode != Mode.SHARE && offsetRepository == null && (mode == Mode.GROUP || groupId != null);
    }

    /** Topic list or pattern, for logs. */
    public String describeTopics() {
        return pattern != null ? "pattern " + pattern.pattern() : String.join(",", topics);
    }

    static List<Integer> parsePartitions(String spec) {
        Set<Integer> out = new LinkedHashSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            try {
                if (dash > 0) {
                    int from = Integer.parseInt(p.substring(0, dash).trim());
                    int to = Integer.parseInt(p.substring(dash + 1).trim());
                    if (from < 0 || to < from) {
                        throw new IllegalArgumentException("partitions: bad range '" + p + "'");
                    }
                    for (int i = from; i <= to; i++) {
                        out.add(i);
                    }
                } else {
                    int n = Integer.parseInt(p);
                    if (n < 0) {
                        throw new IllegalArgumentException("partitions: negative partition " + n);
                    }
                    out.add(n);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("partitions must be comma-separated numbers or ranges such as "
                        + "0,1,4-7, was '" + spec + "'", e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("partitions is empty: '" + spec + "'");
        }
        return List.copyOf(out);
    }

    private static Duration positive(String option, long ms) {
        if (ms <= 0) {
            throw new IllegalArgumentException(option + " must be positive, was " + ms);
        }
        return Duration.ofMillis(ms);
    }

    static Deserializer<?> deserializer(CamelContext context, String spec, String option) {
        if (spec == null || spec.isBlank()) {
            return Serdes.stringDeserializer();
        }
        return switch (spec.trim().toLowerCase(Locale.ROOT)) {
            case "string" -> Serdes.stringDeserializer();
            case "bytes", "bytearray", "byte[]" -> Serdes.byteArrayDeserializer();
            case "bytebuf" -> Serdes.byteBufDeserializer();
            default -> ClientProperties.newInstance(context, spec.trim(), Deserializer.class, option);
        };
    }
}
