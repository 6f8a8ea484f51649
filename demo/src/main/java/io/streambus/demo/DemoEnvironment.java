package io.streambus.demo;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every phase shares: the broker (embedded, or external with {@code --brokers}), a plain client for setting up
 * topics, the options and the output.
 */
public final class DemoEnvironment implements AutoCloseable {
    private final DemoOptions options;
    private final PrintStream out;
    private final EmbeddedBroker broker;
    private final String brokers;
    private final StreamBusClient client;

    private DemoEnvironment(DemoOptions options, PrintStream out, EmbeddedBroker broker, String brokers) {
        this.options = options;
        this.out = out;
        this.broker = broker;
        this.brokers = brokers;
        this.client = StreamBusClient.create(Map.of("bootstrap.servers", brokers, "client.id", "streambus-demo"));
    }

    /** Starts the embedded broker unless the options name an external one. */
    public static DemoEnvironment start(DemoOptions options, PrintStream out) throws Exception {
        if (options.brokers() != null) {
            out.println("Using the StreamBus broker at " + options.brokers());
            return new DemoEnvironment(options, out, null, options.brokers());
        }
        EmbeddedBroker.Builder b = EmbeddedBroker.builder().port(0);
        b = options.dataDir() != null ? b.dataDir(options.dataDir()) : b.temporary();
        EmbeddedBroker broker = b.build();
        int port = broker.start();
        out.println("Embedded StreamBus broker on 127.0.0.1:" + port + ", data in " + broker.dataDir()
                + (options.dataDir() == null ? " (temporary)" : ""));
        try {
            return new DemoEnvironment(options, out, broker, "127.0.0.1:" + port);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** Creates the topic with the configured partition count unless it exists. */
    public void ensureTopic(String topic) throws Exception {
        Map<String, Integer> topics = client.admin().listTopics().get(30, TimeUnit.SECONDS);
        if (!topics.containsKey(topic)) {
            client.admin().createTopic(topic, options.topicPartitions()).get(30, TimeUnit.SECONDS);
            out.println("Created topic " + topic + " with " + options.topicPartitions() + " partitions");
        }
    }

    public DemoOptions options() {
        return options;
    }

    public PrintStream out() {
        return out;
    }

    /** The bootstrap list for clients and endpoint URIs. */
    public String brokers() {
        return brokers;
    }

    public StreamBusClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        if (broker != null) {
            broker.close();
        }
    }
}
