package io.streambus.cli;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.admin.GroupListing;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code streambus groups reset-offsets G --topic T[:P,...] --to-...}, after {@code kafka-consumer-groups
 * --reset-offsets}: works out the new committed offset of each partition, prints the plan, and unless
 * {@code --dry-run} commits it as a standalone commit (spec B.6.8). Refused while the group has members, as Kafka
 * does (the broker refuses such a commit as well). Unlike Kafka, it applies the plan without {@code --execute};
 * {@code --dry-run} only prints it. Not thread-safe.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
        description = {"Move a group's committed offsets on a topic. Refused while the group has members (stop its "
                + "consumers first). New offsets are kept between the partition's start offset and its high-water "
                + "mark. Use --dry-run to see the plan without changing anything.",
                "--to-datetime reads the partitions from their start to find the first record at or after the "
                        + "time (the protocol has no offset-by-time lookup)."})
public final class ResetOffsetsCommand extends BrokerCommand {
    @Parameters(index = "0", paramLabel = "GROUP", description = "The group id.")
    private String groupId;

    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC[:P,P...]",
            description = "The topic, optionally with the partitions to reset (orders:0,2); default all partitions.")
    private String topicSpec;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Target (exactly one):%n")
    private Target target;

    @Option(names = "--dry-run", description = "Print the new offsets without committing them.")
    private boolean dryRun;

    @Option(names = "--search-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class,
            description = "Limit of the --to-datetime search per partition (default: ${DEFAULT-VALUE}).")
    private Duration searchTimeout;

    @Mixin
    private OutputOption output;

    /** The mutually exclusive target options. */
    static final class Target {
        @Option(names = "--to-earliest", required = true, description = "The first readable offset.")
        boolean earliest;

        @Option(names = "--to-latest", required = true, description = "The high-water mark (skip everything).")
        boolean latest;

        @Option(names = "--to-offset", required = true, paramLabel = "N", description = "Offset N.")
        Long offset;

        @Option(names = "--to-datetime", required = true, paramLabel = "ISO", converter = DateTimeConverter.class,
                description = "The first record at or after this time (2026-05-01T10:00:00Z; without an offset: "
                        + "local time).")
        Instant datetime;

        @Option(names = "--shift-by", required = true, paramLabel = "N",
                description = "The committed offset plus N (negative N moves back).")
        Long shift;

        OffsetTarget strategy() {
            if (earliest) {
                return new OffsetTarget.Earliest();
            }
            if (latest) {
                return new OffsetTarget.Latest();
            }
            if (offset != null) {
                return new OffsetTarget.Absolute(offset);
            }
            if (datetime != null) {
                return new OffsetTarget.AtTime(datetime);
            }
            return new OffsetTarget.Shift(shift);
        }
    }

    @Override
    protected int run(Session s) {
        if (target.offset != null && target.offset < 0) {
            throw new ParameterException(spec.commandLine(), "--to-offset must be 0 or more, got " + target.offset);
        }
        s.requireGroups("groups reset-offsets");
        Optional<GroupListing> group = GroupsCommand.find(s, groupId);
        if (group.isPresent() && group.get().isShareGroup()) {
            throw new CliFailure("'" + groupId + "' is a share group, which has no committed offsets: its progress "
                    + "is per share-partition (`streambus share-groups describe " + groupId + "`)");
        }
        if (group.isPresent() && !GroupsCommand.EMPTY.equals(group.get().state())) {
            throw new CliFailure("group '" + groupId + "' has active members (state " + group.get().state()
                    + "): offsets can only be reset while the group is empty, as in Kafka; stop its consumers (or "
                    + "wait for their session to expire) and try again");
        }
        List<TopicPartition> partitions = partitions(s);
        Map<TopicPartition, OffsetAndMetadata> committed = s.await(
                s.admin().committedOffsets(groupId, partitions), "reading committed offsets of " + groupId);
        OffsetTarget strategy = target.strategy();

        Map<TopicPartition, OffsetAndMetadata> plan = new LinkedHashMap<>();
        Table table = new Table("TOPIC", "PARTITION", "CURRENT", "NEW");
        List<Object> rows = new ArrayList<>();
        try (TimestampSearch search = new TimestampSearch(s.client(), searchTimeout)) {
            for (TopicPartition tp : partitions) {
                PartitionOffsets o = s.await(s.admin().offsets(tp), "reading the offsets of " + tp);
                OffsetAndMetadata current = committed.get(tp);
                Long currentOffset = current == null ? null : current.offset();
                long wanted = strategy.resolve(tp, currentOffset, o, search);
                long clamped = Math.max(o.start(), Math.min(o.highWaterMark(), wanted));
                plan.put(tp, new OffsetAndMetadata(clamped, current == null ? "" : current.metadata()));
                table.row(tp.topic(), tp.partition(), currentOffset, clamped);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("topic", tp.topic());
                m.put("partition", tp.partition());
                m.put("currentOffset", currentOffset);
                m.put("newOffset", clamped);
                rows.add(m);
            }
        }
        if (!dryRun) {
            try {
                s.await(s.admin().commitOffsets(groupId, plan), "committing offsets of " + groupId);
            } catch (BrokerErrorException e) {
                if (e.code() == ErrorCode.ILLEGAL_GENERATION) {
                    throw new CliFailure("group '" + groupId + "' got members while resetting; nothing was "
                            + "changed: stop its consumers and try again", e);
                }
                throw e;
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("group", groupId);
        json.put("dryRun", dryRun);
        json.put("applied", !dryRun);
        json.put("partitions", rows);
        String text = table.render() + (dryRun ? "Dry run: nothing was changed.%n".formatted()
                : "Committed the new offsets of group %s.%n".formatted(groupId));
        output.format().print(new Report(text, json), s.terminal().out());
        return 0;
    }

    /** The partitions named by {@code --topic}, checked against the topic's partition count. */
    private List<TopicPartition> partitions(Session s) {
        String topic = topicSpec;
        String list = null;
        int colon = topicSpec.lastIndexOf(':');
        if (colon >= 0) {
            topic = topicSpec.substring(0, colon);
            list = topicSpec.substring(colon + 1);
        }
        int count = s.partitionCount(topic);
        TreeSet<Integer> chosen = new TreeSet<>();
        if (list == null) {
            for (int p = 0; p < count; p++) {
                chosen.add(p);
            }
        } else {
            for (String part : list.split(",")) {
                int p;
                try {
                    p = Integer.parseInt(part.trim());
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "--topic " + topicSpec + ": '" + part
                            + "' is not a partition number (use TOPIC or TOPIC:0,1)");
                }
                if (p < 0 || p >= count) {
                    throw new CliFailure("topic '" + topic + "' has no partition " + p + " (it has " + count
                            + ": 0 to " + (count - 1) + ")");
                }
                chosen.add(p);
            }
        }
        List<TopicPartition> out = new ArrayList<>();
        for (int p : chosen) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }
}
