package io.streambus.cli;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.admin.GroupListing;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code streambus groups list|describe|reset-offsets|delete}, after {@code kafka-consumer-groups}. Every
 * subcommand needs an extended broker and fails with exit code 1 on a core-only one. Not thread-safe.
 */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = {"List, describe, reset and delete consumer groups (needs an extended broker).",
                "The wire protocol has no DescribeGroups request: a group's members and their assignments are not "
                        + "available; its state (Empty, Stable, PreparingRebalance, CompletingRebalance) shows "
                        + "whether it has members."},
        subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Describe.class, ResetOffsetsCommand.class,
                GroupsCommand.Delete.class})
public final class GroupsCommand implements Callable<Integer> {
    /** ListGroups state of a group without members. */
    static final String EMPTY = "Empty";

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: bad usage. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "a subcommand is missing: list, describe, reset-offsets or delete");
    }

    /** The group {@code groupId} as ListGroups reports it, if it exists. */
    static Optional<GroupListing> find(Session s, String groupId) {
        List<GroupListing> all = s.await(s.admin().listGroups(groupId), "listing groups");
        return all.stream().filter(g -> g.groupId().equals(groupId)).findFirst();
    }

    /** The group, or a failure naming the way to find the right name. */
    static GroupListing require(Session s, String groupId) {
        return find(s, groupId).orElseThrow(() -> new CliFailure("group '" + groupId
                + "' does not exist: `streambus groups list` shows the groups"));
    }

    /**
     * A listing of {@code groups}: id and state, and with {@code protocol} the protocol type, as a table ({@code none}
     * when there are none) and a JSON array.
     */
    static Report listing(List<GroupListing> groups, boolean protocol, String none) {
        Table table = protocol ? new Table("GROUP", "STATE", "PROTOCOL") : new Table("GROUP", "STATE");
        List<Object> json = new ArrayList<>();
        for (GroupListing g : groups) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("group", g.groupId());
            m.put("state", g.state());
            if (protocol) {
                table.row(g.groupId(), g.state(), g.protocolType().isEmpty() ? null : g.protocolType());
                m.put("protocolType", g.protocolType());
            } else {
                table.row(g.groupId(), g.state());
            }
            json.add(m);
        }
        return new Report(groups.isEmpty() ? none + System.lineSeparator() : table.render(), json);
    }

    /** {@code groups list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List consumer groups with their state and protocol type (empty for groups that only "
                    + "ever received standalone commits).")
    public static final class ListGroups extends BrokerCommand {
        @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "",
                description = "Only groups whose id starts with PREFIX.")
        private String prefix;

        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            s.requireGroups("groups list");
            List<GroupListing> groups = s.await(s.admin().listGroups(prefix), "listing groups");
            output.format().print(listing(groups, true, "No groups."), s.terminal().out());
            return 0;
        }
    }

    /** {@code groups describe G}: state, committed offsets, end offsets and lag. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = {"Describe a group: its state, and per partition with a committed offset the committed "
                    + "offset, the high-water mark and the lag (high-water mark minus committed offset).",
                    "Members and assignments are not shown: the wire protocol has no DescribeGroups request. "
                            + "State Empty means no members; any other state means the group has members."})
    public static final class Describe extends BrokerCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "The group id.")
        private String groupId;

        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            s.requireGroups("groups describe");
            GroupListing group = require(s, groupId);
            if (group.isShareGroup()) {
                throw new CliFailure("'" + groupId + "' is a share group: `streambus share-groups describe "
                        + groupId + "` describes it");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = new TreeMap<>(
                    s.await(s.admin().committedOffsets(groupId, List.of()), "reading committed offsets of "
                            + groupId));
            Map<TopicPartition, CompletableFuture<PartitionOffsets>> ends = new LinkedHashMap<>();
            committed.keySet().forEach(tp -> ends.put(tp, s.admin().offsets(tp)));

            Table table = new Table("TOPIC", "PARTITION", "COMMITTED", "HIGH-WATER", "LAG", "METADATA");
            List<Object> partitions = new ArrayList<>();
            long totalLag = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                TopicPartition tp = e.getKey();
                Long hwm = s.highWaterMark(tp, ends.get(tp));
                Long lag = hwm == null ? null : Math.max(0, hwm - e.getValue().offset());
                totalLag += lag == null ? 0 : lag;
                String metadata = e.getValue().metadata();
                table.row(tp.topic(), tp.partition(), e.getValue().offset(), hwm, lag,
                        metadata.isEmpty() ? null : metadata);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("topic", tp.topic());
                m.put("partition", tp.partition());
                m.put("committedOffset", e.getValue().offset());
                m.put("highWaterMark", hwm);
                m.put("lag", lag);
                m.put("metadata", metadata);
                partitions.add(m);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("group", group.groupId());
            json.put("state", group.state());
            json.put("protocolType", group.protocolType());
            json.put("hasMembers", !EMPTY.equals(group.state()));
            json.put("totalLag", totalLag);
            json.put("membersAvailable", false);
            json.put("partitions", partitions);

            StringBuilder text = new StringBuilder();
            text.append("Group: %s  State: %s  Protocol: %s  Total lag: %d%n".formatted(group.groupId(),
                    group.state(), group.protocolType().isEmpty() ? "-" : group.protocolType(), totalLag));
            text.append(committed.isEmpty() ? "No committed offsets.%n".formatted() : table.render());
            text.append("(Members and assignments: not available, the wire protocol has no request that returns "
                    + "them; state "
                    + (EMPTY.equals(group.state()) ? "Empty: the group has no members" : group.state()
                    + ": the group has members") + ".)").append(System.lineSeparator());
            output.format().print(new Report(text.toString(), json), s.terminal().out());
            return 0;
        }
    }

    /** {@code groups delete G}: only an empty group, as Kafka. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a group and its committed offsets. Refused while the group has members.")
    public static final class Delete extends BrokerCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "The group id.")
        private String groupId;

        @Override
        protected int run(Session s) {
            s.requireGroups("groups delete");
            try {
                s.await(s.admin().deleteGroups(List.of(groupId)), "deleting group " + groupId);
            } catch (BrokerErrorException e) {
                if (e.code() == ErrorCode.NON_EMPTY_GROUP) {
                    throw new CliFailure("group '" + groupId + "' has active members and cannot be deleted: stop "
                            + "its consumers (or wait for their session to expire) and try again", e);
                }
                if (e.code() == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID) {
                    throw new CliFailure("group '" + groupId + "' does not exist: `streambus groups list` shows "
                            + "the groups", e);
                }
                throw e;
            }
            s.terminal().out().printf("Deleted group %s.%n", groupId);
            return 0;
        }
    }
}
