package io.streambus.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * Command-line options of the demo. Unknown options are errors, so that a typo never silently runs something else.
 *
 * @param messages        how many orders to send and receive
 * @param brokers         an external broker ({@code host:port[,host:port]}), or null for the embedded one
 * @param dataDir         data directory of the embedded broker, or null for a temporary one
 * @param topic           topic name
 * @param topicPartitions partitions of the topic when the demo creates it
 * @param partitions      explicit partitions to consume without a consumer group (for core-only brokers), or null
 * @param consumers       consumer threads (consumersCount)
 * @param batch           orders per producer exchange (a List body sent as one batch)
 * @param timeoutSeconds  how long a phase may take before the demo gives up (exit code 1)
 * @param help            print usage and exit
 */
public record DemoOptions(long messages, String brokers, Path dataDir, String topic, int topicPartitions,
                          String partitions, int consumers, int batch, int timeoutSeconds, boolean help) {

    public static final String USAGE = String.join(System.lineSeparator(), List.of(
            "Usage: java -jar demo/target/streambus-demo.jar [options]",
            "",
            "Starts an embedded StreamBus broker (unless --brokers is given) and a Camel Main application:",
            "a timer route sends orders to streambus:<topic> and streambus:<topic>?groupId=demo counts them.",
            "Prints sent, received and msgs/s once a second and a summary; exits 0 when every order arrived.",
            "",
            "  --messages N           orders to send (default 100000)",
            "  --brokers host:port    use this external StreamBus broker instead of an embedded one",
            "  --data-dir DIR         data directory of the embedded broker (default: a temporary directory)",
            "  --topic NAME           topic (default orders)",
            "  --topic-partitions N   partitions when the topic is created (default 3)",
            "  --partitions LIST      read these partitions without a consumer group, e.g. 0,1,2 (for brokers",
            "                         that serve the core protocol only)",
            "  --consumers N          consumer threads (default 1)",
            "  --batch N              orders per producer exchange (default 1000)",
            "  --timeout SECONDS      give up after this long (default 120)",
            "  --help                 this text"));

    /**
     * @throws IllegalArgumentException naming the bad option
     */
    public static DemoOptions parse(String... args) {
        long messages = 100_000;
        String brokers = null;
        Path dataDir = null;
        String topic = "orders";
        int topicPartitions = 3;
        String partitions = null;
        int consumers = 1;
        int batch = 1000;
        int timeout = 120;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> help = true;
                case "--messages" -> messages = positiveLong(a, value(args, ++i, a));
                case "--brokers" -> brokers = value(args, ++i, a);
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, a));
                case "--topic" -> topic = value(args, ++i, a);
                case "--topic-partitions" -> topicPartitions = (int) positiveLong(a, value(args, ++i, a));
                case "--partitions" -> partitions = value(args, ++i, a);
                case "--consumers" -> consumers = (int) positiveLong(a, value(args, ++i, a));
                case "--batch" -> batch = (int) positiveLong(a, value(args, ++i, a));
                case "--timeout" -> timeout = (int) positiveLong(a, value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (brokers != null && dataDir != null) {
            throw new IllegalArgumentException("--data-dir is for the embedded broker; it cannot be combined with "
                    + "--brokers");
        }
        return new DemoOptions(messages, brokers, dataDir, topic, topicPartitions, partitions, consumers, batch,
                timeout, help);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long positiveLong(String option, String v) {
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                throw new IllegalArgumentException(option + " must be positive, was " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, was '" + v + "'");
        }
    }
}
