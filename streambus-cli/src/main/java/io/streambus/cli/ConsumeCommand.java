package io.streambus.cli;

import io.streambus.client.WakeupException;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.consumer.RecordConsumer;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code streambus consume T}, after Kafka's console consumer: prints records of a topic (all partitions or one)
 * or, with {@code --group}, as a member of a consumer group that commits what it printed. Stops after
 * {@code --max} records, after {@code --timeout} without a record, or at Ctrl-C. Not thread-safe.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print records of a topic, one per line (values as UTF-8).",
                "Without --group it reads every partition (or --partition), from the end or --from-beginning. "
                        + "With --group it joins that consumer group (extended brokers only), starts at the "
                        + "group's committed offsets and commits the offsets of the records it printed."})
public final class ConsumeCommand extends BrokerCommand {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(15);

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
    private String topic;

    @Option(names = "--from-beginning", description = "Start at the first readable offset (with --group: only "
            + "where the group has no committed offset), instead of the end.")
    private boolean fromBeginning;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "Consume as a member of this group.")
    private String group;

    @Option(names = {"-p", "--partition"}, paramLabel = "P", description = "Read only partition P (not with --group).")
    private Integer partition;

    @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Stop after N records.")
    private Integer max;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop when no record arrived for this long (10s, 500ms; a bare number is ms). Default: "
                    + "wait until --max or Ctrl-C.")
    private Duration timeout;

    @Option(names = "--print-key", description = "Print the key (text format).")
    private boolean printKey;

    @Option(names = "--print-headers", description = "Print the headers as k:v,k:v (text format).")
    private boolean printHeaders;

    @Option(names = "--print-offset", description = "Print the offset (text format).")
    private boolean printOffset;

    @Option(names = "--print-partition", description = "Print the partition (text format).")
    private boolean printPartition;

    @Option(names = "--print-timestamp", description = "Print the timestamp (text format).")
    private boolean printTimestamp;

    @Option(names = "--separator", paramLabel = "SEP", defaultValue = "\t",
            description = "Between the printed fields (text format; default: a tab).")
    private String separator;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            converter = RecordFormatConverter.class,
            description = "text (Kafka's console layout) or json (one object per line with every field).")
    private RecordFormat format;

    /** Parses text and json (any case). */
    static final class RecordFormatConverter implements ITypeConverter<RecordFormat> {
        @Override
        public RecordFormat convert(String value) {
            try {
                return RecordFormat.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a record format: use text or json");
            }
        }
    }

    @Override
    protected int run(Session s) {
        if (group != null && partition != null) {
            throw new ParameterException(spec.commandLine(), "--partition cannot be used with --group: the group "
                    + "assigns the partitions");
        }
        if (max != null && max < 1) {
            throw new ParameterException(spec.commandLine(), "--max must be at least 1, got " + max);
        }
        if (partition != null && partition < 0) {
            throw new ParameterException(spec.commandLine(), "--partition must be 0 or more, got " + partition);
        }
        RecordFormat.Fields fields = new RecordFormat.Fields(printTimestamp, printPartition, printOffset,
                printHeaders, printKey, separator);
        Map<String, Object> overrides = Map.of("auto.offset.reset", fromBeginning ? "earliest" : "latest",
                "enable.auto.commit", false);
        int printed;
        if (group != null) {
            s.requireGroups("consume --group");
            try (ShutdownHook hook = new ShutdownHook();
                 GroupConsumer<String, String> consumer = s.client().newGroupConsumer(group,
                    Serdes.stringDeserializer(), Serdes.stringDeserializer(), overrides)) {
                hook.onSignal(consumer::wakeup);
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                consumer.subscribe(List.of(topic), new RebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        commit(consumer, done, partitions);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        // positions come from the group's committed offsets or auto.offset.reset
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        partitions.forEach(done::remove);
                    }
                });
                printed = loop(consumer, s.terminal().out(), fields, done);
                commit(consumer, done, List.copyOf(done.keySet()));
            }
        } else {
            int count = s.partitionCount(topic);
            List<TopicPartition> tps = new ArrayList<>();
            if (partition != null) {
                if (partition >= count) {
                    throw new CliFailure("topic '" + topic + "' has no partition " + partition + " (it has " + count
                            + ": 0 to " + (count - 1) + ")");
                }
                tps.add(new TopicPartition(topic, partition));
            } else {
                for (int p = 0; p < count; p++) {
                    tps.add(new TopicPartition(topic, p));
                }
            }
            try (ShutdownHook hook = new ShutdownHook();
                 Consumer<String, String> consumer = s.client().newConsumer(Serdes.stringDeserializer(),
                    Serdes.stringDeserializer(), Map.of("auto.offset.reset", fromBeginning ? "earliest"
                            : "latest"))) {
                hook.onSignal(consumer::wakeup);
                consumer.assign(tps);
                if (fromBeginning) {
                    consumer.seekToBeginning(tps);
                } else {
                    consumer.seekToEnd(tps);
                }
                printed = loop(consumer, s.terminal().out(), fields, new HashMap<>());
            }
        }
        s.terminal().err().printf("Processed a total of %d message%s.%n", printed, printed == 1 ? "" : "s");
        return 0;
    }

    /** Polls and prints until --max, --timeout or Ctrl-C; records the next offset of each printed partition. */
    private int loop(RecordConsumer<String, String> consumer, PrintWriter out, RecordFormat.Fields fields,
                     Map<TopicPartition, OffsetAndMetadata> done) {
        int printed = 0;
        try {
            long idleSince = System.nanoTime();
            while (max == null || printed < max) {
                List<ConsumerRecord<String, String>> batch = new ArrayList<>();
                consumer.poll(POLL).forEach(batch::add);
                for (ConsumerRecord<String, String> r : batch) {
                    out.println(format.format(r, fields));
                    done.put(r.topicPartition(), new OffsetAndMetadata(r.offset() + 1));
                    printed++;
                    if (max != null && printed >= max) {
                        break;
                    }
                }
                out.flush();
                if (!batch.isEmpty()) {
                    idleSince = System.nanoTime();
                } else if (timeout != null && System.nanoTime() - idleSince >= timeout.toNanos()) {
                    break;
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C (ShutdownHook): stop quietly; the caller commits and closes before the JVM exits
        } finally {
            out.flush();
        }
        return printed;
    }

    private static void commit(GroupConsumer<String, String> consumer, Map<TopicPartition, OffsetAndMetadata> done,
                               Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = done.remove(tp);
            if (o != null) {
                offsets.put(tp, o);
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        }
    }
}
