package io.streambus.cli;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.admin.GroupListing;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.admin.ShareGroupDescription;
import io.streambus.client.admin.ShareGroupDescription.SharePartitionInfo;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streambus share-groups list|describe|configure|delete}, after {@code kafka-share-groups}: share groups
 * (queues on the log, spec B.13) through ListGroups, ShareGroupConfigure (B.13.7) and DeleteGroups. Every
 * subcommand needs a broker that serves share groups. Not thread-safe.
 */
@Command(name = "share-groups", mixinStandardHelpOptions = true,
        description = {"List, describe, configure and delete share groups (queues; needs an extended broker with "
                + "share groups).",
                "The wire protocol reports per share-partition its start offset, the size of its in-flight window "
                        + "and whether the window is full; it does not report the in-flight records by state or "
                        + "their delivery counts."},
        subcommands = {ShareGroupsCommand.ListShareGroups.class, ShareGroupsCommand.Describe.class,
                ShareGroupsCommand.Configure.class, ShareGroupsCommand.Delete.class})
public final class ShareGroupsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Without a subcommand: bad usage. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "a subcommand is missing: list, describe, configure or delete");
    }

    /** ShareGroupConfigure's refusals that name a group (24, 50) as operator-facing failures; others unchanged. */
    static RuntimeException explain(BrokerErrorException e, String groupId) {
        return switch (e.code()) {
            case ErrorCode.UNKNOWN_CONSUMER_GROUP_ID -> new CliFailure("share group '" + groupId + "' does not "
                    + "exist: `streambus share-groups list` shows them, `streambus share-groups configure " + groupId
                    + " --max-delivery-attempts N ...` creates one", e);
            case ErrorCode.GROUP_TYPE_MISMATCH -> new CliFailure("'" + groupId + "' is a consumer group, not a share "
                    + "group: `streambus groups describe " + groupId + "` describes it", e);
            default -> e;
        };
    }

    /**
     * The report of a share group: a headline, the settings, and per share-partition its start offset (SPSO), the
     * in-flight window (SPEO - SPSO), whether the window is full, the high-water mark and the records not finished
     * (high-water mark - SPSO).
     */
    static Report report(Session s, ShareGroupDescription d, String headline) {
        Map<TopicPartition, SharePartitionInfo> parts = new TreeMap<>(d.partitions());
        Map<TopicPartition, CompletableFuture<PartitionOffsets>> ends = new LinkedHashMap<>();
        parts.keySet().forEach(tp -> ends.put(tp, s.admin().offsets(tp)));

        Table table = new Table("TOPIC", "PARTITION", "START-OFFSET", "IN-FLIGHT", "LIMIT-REACHED", "HIGH-WATER",
                "LAG");
        List<Object> partitions = new ArrayList<>();
        long totalLag = 0;
        for (Map.Entry<TopicPartition, SharePartitionInfo> e : parts.entrySet()) {
            TopicPartition tp = e.getKey();
            SharePartitionInfo p = e.getValue();
            Long hwm = s.highWaterMark(tp, ends.get(tp));
            Long lag = hwm == null ? null : Math.max(0, hwm - p.startOffset());
            totalLag += lag == null ? 0 : lag;
            table.row(tp.topic(), tp.partition(), p.startOffset(), p.inFlightRecords(),
                    p.inFlightLimitReached() ? "yes" : "no", hwm, lag);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", tp.topic());
            m.put("partition", tp.partition());
            m.put("startOffset", p.startOffset());
            m.put("inFlightRecords", p.inFlightRecords());
            m.put("inFlightLimitReached", p.inFlightLimitReached());
            m.put("highWaterMark", hwm);
            m.put("lag", lag);
            partitions.add(m);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("maxDeliveryAttempts", d.maxDeliveryAttempts());
        settings.put("acquisitionLockMs", d.acquisitionLockMs());
        settings.put("deadLetterTopic", d.deadLetterTopic());
        settings.put("autoOffsetReset", d.autoOffsetReset());
        settings.put("maxInFlightRecords", d.maxInFlightRecords());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("group", d.groupId());
        json.put("state", d.state());
        json.put("members", d.memberCount());
        json.put("settings", settings);
        json.put("totalLag", totalLag);
        json.put("partitions", partitions);
        json.put("recordStatesAvailable", false);

        StringBuilder text = new StringBuilder();
        if (headline != null) {
            text.append(headline).append(System.lineSeparator());
        }
        text.append("Share group: %s  State: %s  Members: %d  Total lag: %d%n".formatted(d.groupId(), d.state(),
                d.memberCount(), totalLag));
        text.append(("Settings: max-delivery-attempts %d, lock-ms %d, dead-letter-topic %s, auto-offset-reset %s, "
                + "max-in-flight-records %d%n").formatted(d.maxDeliveryAttempts(), d.acquisitionLockMs(),
                d.deadLetterTopic().isEmpty() ? "-" : d.deadLetterTopic(), d.autoOffsetReset(),
                d.maxInFlightRecords()));
        text.append(parts.isEmpty() ? "No share-partitions (no member has subscribed yet).%n".formatted()
                : table.render());
        text.append("(START-OFFSET: every offset below it is finished; IN-FLIGHT: offsets examined beyond it; LAG: "
                + "high-water mark minus start offset. In-flight records by state and their delivery counts: not "
                + "available, the wire protocol does not report them: ShareGroupConfigure, the only request that "
                + "describes a share group, gives per share-partition only the start offset, the in-flight count "
                + "and whether the limit is reached.)").append(System.lineSeparator());
        return new Report(text.toString(), json);
    }

    /** A subcommand on one share group, named by its first parameter, with {@code --output}. */
    abstract static class OnGroup extends BrokerCommand {
        /** The share group id. */
        @Parameters(index = "0", paramLabel = "GROUP", description = "The share group id.")
        String groupId;

        /** The output format. */
        @Mixin
        OutputOption output;
    }

    /** {@code share-groups list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List share groups with their state (Empty: no members; Stable: members).")
    public static final class ListShareGroups extends BrokerCommand {
        @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "",
                description = "Only groups whose id starts with PREFIX.")
        private String prefix;

        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            s.requireShareGroups("share-groups list");
            List<GroupListing> groups = s.await(s.admin().listGroups(prefix), "listing groups").stream()
                    .filter(GroupListing::isShareGroup).toList();
            output.format().print(GroupsCommand.listing(groups, false, "No share groups."), s.terminal().out());
            return 0;
        }
    }

    /** {@code share-groups describe G}. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = {"Describe a share group (ShareGroupConfigure without a change): state, member count, "
                    + "settings, and per share-partition the start offset, the in-flight window, whether the "
                    + "in-flight limit is reached, the high-water mark and the lag."})
    public static final class Describe extends OnGroup {

        @Override
        protected int run(Session s) {
            s.requireShareGroups("share-groups describe");
            ShareGroupDescription d;
            try {
                d = s.await(s.admin().describeShareGroup(groupId), "describing share group " + groupId);
            } catch (BrokerErrorException e) {
                throw explain(e, groupId);
            }
            output.format().print(report(s, d, null), s.terminal().out());
            return 0;
        }
    }

    /** {@code share-groups configure G --...}. */
    @Command(name = "configure", mixinStandardHelpOptions = true,
            description = {"Create a share group or change its settings (ShareGroupConfigure); settings not given "
                    + "keep their value (the broker's default for a new group). Prints the group as `describe` does.",
                    "A change applies to what happens next: a lock duration to later acquisitions, a dead-letter "
                            + "topic to records archived later, auto-offset-reset to share-partitions created later; "
                            + "a lower in-flight limit stops new records from being examined until the window has "
                            + "shrunk."})
    public static final class Configure extends OnGroup {
        @Option(names = "--max-delivery-attempts", paramLabel = "N",
                description = "Deliveries of a record before it is archived (1 to 1000; default 5).")
        private Integer maxDeliveryAttempts;

        @Option(names = {"--lock-ms", "--acquisition-lock-ms"}, paramLabel = "MS",
                description = "How long an acquisition locks a record, in ms (1000 to 3600000; default 30000).")
        private Integer lockMs;

        @Option(names = "--dead-letter-topic", paramLabel = "TOPIC",
                description = "Where archived records are copied; '' removes it (default none).")
        private String deadLetterTopic;

        @Option(names = "--auto-offset-reset", paramLabel = "POLICY",
                description = "Where a new share-partition starts: earliest (default) or latest.")
        private String autoOffsetReset;

        @Option(names = {"--max-in-flight-records", "--in-flight-limit"}, paramLabel = "N",
                description = "Bound on the in-flight window of each share-partition (1 to 100000; default 2000).")
        private Integer maxInFlightRecords;

        @Override
        protected int run(Session s) {
            ShareGroupSettings settings = settings();
            s.requireShareGroups("share-groups configure");
            ShareGroupDescription d;
            try {
                d = s.await(s.admin().configureShareGroup(groupId, settings), "configuring share group " + groupId);
            } catch (BrokerErrorException e) {
                if (e.code() == ErrorCode.INVALID_GROUP_CONFIG) {
                    throw new CliFailure("the broker refused a setting of share group '" + groupId + "': "
                            + e.getMessage() + "; nothing was changed", e);
                }
                if (e.code() == ErrorCode.AUTHORIZATION_FAILED && deadLetterTopic != null) {
                    throw new CliFailure("not authorized to write to dead-letter topic '" + deadLetterTopic
                            + "'; nothing was changed: ask for the right on the broker's ACL, or use other "
                            + "credentials in --command-config FILE", e);
                }
                throw explain(e, groupId);
            }
            output.format().print(report(s, d, "Configured share group " + groupId + "."), s.terminal().out());
            return 0;
        }

        /** The settings given, checked against the ranges of B.13.2 (bad usage, exit code 2, otherwise). */
        private ShareGroupSettings settings() {
            ShareGroupSettings.Builder b = ShareGroupSettings.builder();
            boolean any = false;
            if (maxDeliveryAttempts != null) {
                b.maxDeliveryAttempts(inRange("--max-delivery-attempts", maxDeliveryAttempts, 1, 1000));
                any = true;
            }
            if (lockMs != null) {
                b.acquisitionLockMs(inRange("--lock-ms", lockMs, 1000, 3_600_000));
                any = true;
            }
            if (deadLetterTopic != null) {
                b.deadLetterTopic(deadLetterTopic);
                any = true;
            }
            if (autoOffsetReset != null) {
                if (!autoOffsetReset.equals("earliest") && !autoOffsetReset.equals("latest")) {
                    throw new ParameterException(spec.commandLine(), "--auto-offset-reset must be earliest or "
                            + "latest, got '" + autoOffsetReset + "'");
                }
                b.autoOffsetReset(autoOffsetReset);
                any = true;
            }
            if (maxInFlightRecords != null) {
                b.maxInFlightRecords(inRange("--max-in-flight-records", maxInFlightRecords, 1, 100_000));
                any = true;
            }
            if (!any) {
                throw new ParameterException(spec.commandLine(), "nothing to change: give at least one of "
                        + "--max-delivery-attempts, --lock-ms, --dead-letter-topic, --auto-offset-reset, "
                        + "--max-in-flight-records (`share-groups describe " + groupId + "` shows the settings)");
            }
            return b.build();
        }

        private int inRange(String option, int value, int min, int max) {
            if (value < min || value > max) {
                throw new ParameterException(spec.commandLine(), option + " must be " + min + " to " + max
                        + ", got " + value);
            }
            return value;
        }
    }

    /** {@code share-groups delete G}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a share group with its settings and share-partitions. Refused while it has "
                    + "members or records staged by an open transaction.",
                    "A share group created again under the same id starts afresh (by default from the start of each "
                            + "partition)."})
    public static final class Delete extends OnGroup {

        @Override
        protected int run(Session s) {
            s.requireShareGroups("share-groups delete");
            // DeleteGroups deletes either type: check first that the id names a share group.
            GroupListing group = GroupsCommand.find(s, groupId).orElseThrow(() -> new CliFailure("share group '"
                    + groupId + "' does not exist: `streambus share-groups list` shows them"));
            if (!group.isShareGroup()) {
                throw new CliFailure("'" + groupId + "' is a consumer group, not a share group: `streambus groups "
                        + "delete " + groupId + "` deletes it");
            }
            try {
                s.await(s.admin().deleteGroups(List.of(groupId)), "deleting share group " + groupId);
            } catch (BrokerErrorException e) {
                if (e.code() == ErrorCode.NON_EMPTY_GROUP) {
                    throw new CliFailure("share group '" + groupId + "' has members, or records staged by an open "
                            + "transaction, and cannot be deleted: stop its consumers (or wait for their session to "
                            + "expire), let its transactions complete (`streambus xa list`), and try again", e);
                }
                throw explain(e, groupId);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("group", groupId);
            json.put("deleted", true);
            output.format().print(new Report("Deleted share group %s.%n".formatted(groupId), json),
                    s.terminal().out());
            return 0;
        }
    }
}
