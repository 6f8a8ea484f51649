package io.streambus.cli;

import io.streambus.client.admin.PartitionOffsets;
import io.streambus.common.TopicPartition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@code streambus topics list|describe|create|delete}, after {@code kafka-topics}. The group command itself only
 * asks for a subcommand. Not thread-safe.
 */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "List, describe, create and delete topics.",
        subcommands = {TopicsCommand.ListTopics.class, TopicsCommand.Describe.class, TopicsCommand.Create.class,
                TopicsCommand.Delete.class})
public final class TopicsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Without a subcommand: bad usage. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is missing: list, describe, create or delete");
    }

    /** {@code topics list}: names and partition counts. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topics with their partition counts.")
    public static final class ListTopics extends BrokerCommand {
        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            Map<String, Integer> topics = s.topics();
            Table table = new Table("TOPIC", "PARTITIONS");
            List<Object> json = new ArrayList<>();
            topics.forEach((name, partitions) -> {
                table.row(name, partitions);
                json.add(Map.of("topic", name, "partitions", partitions));
            });
            String text = topics.isEmpty() ? "No topics.%n".formatted() : table.render();
            output.format().print(new Report(text, json), s.terminal().out());
            return 0;
        }
    }

    /** {@code topics describe T}: per partition the start, end and high-water offsets and the record count. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = {"Describe a topic: per partition the start offset (first readable), the end offset "
                    + "(next to be written), the high-water mark and the records between start and high-water mark.",
                    "Offsets spent on transaction markers count as records here (the broker reports no more)."})
    public static final class Describe extends BrokerCommand {
        @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
        private String topic;

        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            int partitions = s.partitionCount(topic);
            List<CompletableFuture<PartitionOffsets>> futures = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                futures.add(s.admin().offsets(new TopicPartition(topic, p)));
            }
            Table table = new Table("PARTITION", "START", "END", "HIGH-WATER", "RECORDS");
            List<Object> details = new ArrayList<>();
            long total = 0;
            for (int p = 0; p < partitions; p++) {
                PartitionOffsets o = s.await(futures.get(p), "reading the offsets of " + topic + "-" + p);
                long records = Math.max(0, o.highWaterMark() - o.start());
                total += records;
                table.row(p, o.start(), o.end(), o.highWaterMark(), records);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("partition", p);
                d.put("start", o.start());
                d.put("end", o.end());
                d.put("highWaterMark", o.highWaterMark());
                d.put("records", records);
                details.add(d);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", topic);
            json.put("partitions", partitions);
            json.put("records", total);
            json.put("details", details);
            String text = "Topic: %s  Partitions: %d  Records: %d%n".formatted(topic, partitions, total)
                    + table.render();
            output.format().print(new Report(text, json), s.terminal().out());
            return 0;
        }
    }

    /** {@code topics create T --partitions N}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a topic. Creating a topic that exists with the same partition count succeeds.")
    public static final class Create extends BrokerCommand {
        @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
        private String topic;

        @Option(names = {"-p", "--partitions"}, paramLabel = "N", defaultValue = "1",
                description = "Number of partitions (default: ${DEFAULT-VALUE}).")
        private int partitions;

        @Override
        protected int run(Session s) {
            if (partitions < 1) {
                throw new ParameterException(spec.commandLine(), "--partitions must be at least 1, got "
                        + partitions);
            }
            s.await(s.admin().createTopic(topic, partitions), "creating topic " + topic);
            s.terminal().out().printf("Created topic %s with %d partition%s.%n", topic, partitions,
                    partitions == 1 ? "" : "s");
            return 0;
        }
    }

    /** {@code topics delete T}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a topic with its records and the committed offsets of its partitions in every group.")
    public static final class Delete extends BrokerCommand {
        @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
        private String topic;

        @Override
        protected int run(Session s) {
            s.await(s.admin().deleteTopic(topic), "deleting topic " + topic);
            s.terminal().out().printf("Deleted topic %s.%n", topic);
            return 0;
        }
    }
}
