package io.streambus.cli;

import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.Header;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code streambus produce T}: one record per line of standard input, after Kafka's console producer
 * ({@code parse.key}/{@code key.separator} become {@code --key-separator}). Records are sent asynchronously and all
 * acknowledged before the command ends; the count goes to standard error. Not thread-safe.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send each line of standard input as one record (UTF-8), until end of input.",
                "With --key-separator every line must be KEY<SEP>VALUE (split at the first separator).",
                "Headers and timestamps are kept only by brokers that advertise headers-and-timestamps "
                        + "(see `streambus capabilities`)."})
public final class ProduceCommand extends BrokerCommand {
    /** How long the records in flight may take to be acknowledged after the end of input. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic (a broker may create it on first use).")
    private String topic;

    @Option(names = {"-k", "--key-separator"}, paramLabel = "SEP",
            description = "Split each line at the first SEP into key and value.")
    private String keySeparator;

    @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", converter = HeaderConverter.class,
            description = "A header for every record; repeatable.")
    private List<Header> headers = new ArrayList<>();

    @Option(names = {"-p", "--partition"}, paramLabel = "P",
            description = "Send every record to partition P (default: by key hash, round robin without key).")
    private Integer partition;

    @Override
    protected int run(Session s) throws IOException {
        if (keySeparator != null && keySeparator.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--key-separator must not be empty");
        }
        if (partition != null && partition < 0) {
            throw new ParameterException(spec.commandLine(), "--partition must be 0 or more, got " + partition);
        }
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (Producer<String, String> producer = s.client().newProducer(Serdes.stringSerializer(),
                Serdes.stringSerializer())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.terminal().in(), StandardCharsets.UTF_8));
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                String key = null;
                String value = line;
                if (keySeparator != null) {
                    int at = line.indexOf(keySeparator);
                    if (at < 0) {
                        producer.flush(FLUSH_TIMEOUT);
                        throw new CliFailure("line " + lineNumber + " has no key separator '" + keySeparator
                                + "' (" + countAcknowledged(sent) + " records before it were sent): with "
                                + "--key-separator every line must be KEY" + keySeparator + "VALUE");
                    }
                    key = line.substring(0, at);
                    value = line.substring(at + keySeparator.length());
                }
                sent.add(producer.send(new ProducerRecord<>(topic, partition, null, key, value, headers)));
            }
            producer.flush(FLUSH_TIMEOUT);
        }
        for (CompletableFuture<RecordMetadata> f : sent) {
            s.await(f, "sending a record to " + topic);
        }
        s.terminal().err().printf("Produced %d record%s to %s.%n", sent.size(), sent.size() == 1 ? "" : "s", topic);
        return 0;
    }

    private static int countAcknowledged(List<CompletableFuture<RecordMetadata>> sent) {
        return (int) sent.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }
}
