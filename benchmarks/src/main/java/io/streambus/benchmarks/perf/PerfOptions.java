package io.streambus.benchmarks.perf;

import java.util.ArrayList;
import java.util.List;

/** Command line of the load tool. */
public final class PerfOptions {
    public String command;
    public String brokers;
    public String topic = "perf";
    public long messages = 1_000_000;
    public int size = 100;
    public boolean sync;
    public Integer batchSize;
    public Integer lingerMs;
    public String compression = "none";
    public boolean embedded;
    public int partitions = 1;
    public long warmup = -1;
    public int keys;
    /** Produce: target records/s over all producers (0: as fast as possible). */
    public long throughput;
    /** Produce: concurrent producers (threads, one producer each). */
    public int producers = 1;
    /** Flush policy of the embedded broker (every-write, os, or an interval); null: the broker default. */
    public String flush;
    /** Produce: enable.idempotence (null: the client default, on where the broker serves it). */
    public Boolean idempotence;
    /** Produce: records per transaction (transactional.id set, one commit per this many records); 0: none. */
    public int transactionSize;
    /** Share: the share-consumer counts to measure, each against the plain consumer; jms: consumer counts. */
    public int[] consumers;
    /** Jms: leave out the embedded Artemis anchor row. */
    public boolean noArtemis;
    /** Share: max in-flight records of the measured share groups (0: the broker's default). */
    public int inFlight;

    public static final String USAGE = String.join("\n",
            "usage: java -jar streambus-perf.jar produce|consume|share|jms|baseline-produce|baseline-sync"
                    + "|baseline-consume"
                    + " [options]",
            "  --brokers host:port[,host:port]  bootstrap list (or --embedded)",
            "  --embedded                       start an embedded broker on a temporary directory",
            "  --topic T                        topic (default perf)",
            "  --messages N                     records to send or read (default 1000000)",
            "  --size S                         value bytes (default 100)",
            "  --partitions P                   partitions of the topic, created if missing (default 1)",
            "  --sync                           produce: wait for each acknowledgement (latency mode)",
            "  --batch-size B                   producer batch.size",
            "  --linger-ms L                    producer linger.ms",
            "  --compression C                  none|gzip|snappy|lz4|zstd (produce; fetch compression for consume)",
            "  --keys K                         use K distinct keys (murmur2 partitioning); default no key",
            "  --throughput N                   produce: target records/s in total (paced; default unlimited)",
            "  --producers N                    produce: N concurrent producers, one thread each (default 1)",
            "  --flush P                        embedded broker flush policy: every-write|os|<ms> (reports fsyncs/s)",
            "  --idempotence true|false         produce: enable.idempotence (default: the client's, on if served)",
            "  --transaction-size N             produce in transactions of N records each (async; one commit per N)",
            "  --warmup N                       records excluded from the statistics (default min(N/10, 50000));",
            "                                   produce sends them just before the measured ones, without a pause",
            "  --consumers 1,4,16               share: share-consumer counts, each run against a plain consumer;",
            "                                   jms: consumer counts (default 1,4)",
            "  --no-artemis                     jms: skip the embedded Artemis comparison",
            "  --in-flight N                    share: max in-flight records of the share groups (default: broker's)",
            "",
            "consume with --embedded first fills the topic (not measured). baseline-* use the wire codec on a plain",
            "socket without the client (a ceiling for comparison): baseline-produce pipelines batches of",
            "--batch-size bytes 5 deep; baseline-sync sends one record per Produce and waits; baseline-consume",
            "sends plain Fetches (1 MiB, one in flight, round-robin over partitions) and decodes every value.",
            "share reads partition 0 once with a plain consumer, then with each count of share consumers (fresh",
            "group, implicit acknowledgement, defaults), and prints records/s and ratios to the plain consumer; with",
            "--embedded it fills the topic with exactly --messages records and adds the broker's CPU per record and",
            "its share state log's growth per record.",
            "jms sends --messages BytesMessages of --size B through the JMS provider to a fresh topic and a fresh",
            "queue, NON_PERSISTENT and PERSISTENT, and receives them with AUTO_ACKNOWLEDGE by each count of",
            "--consumers (a session and thread each); prints msgs/s and the queue/topic ratios (warm-up: --warmup).",
            "Both read stored messages: the topic's subscribers are durable subscriptions created before the send",
            "without an open consumer and reopened after it, as queue consumers are created after the send.",
            "It runs the same passes against an embedded Artemis 2.56 broker (Netty TCP on 127.0.0.1, NIO journal,",
            "synced only with --flush every-write) unless --no-artemis, and measures the raw client's async produce,",
            "consume and share consumption of --messages records before and after, printing RATIOS against them.",
            "Async produce latency is send() to acknowledgement: time queued in the producer plus the round trip;",
            "it only means something at a set load (--throughput), not at full speed.",
            "Progress is printed once a second; the last line has msgs/s, MB/s and latency p50/p99/p999.");

    public static PerfOptions parse(String[] args) {
        PerfOptions o = new PerfOptions();
        List<String> rest = new ArrayList<>(List.of(args));
        if (rest.isEmpty() || rest.contains("--help") || rest.contains("-h")) {
            throw new IllegalArgumentException(USAGE);
        }
        o.command = rest.remove(0);
        if (!List.of("produce", "consume", "share", "jms", "baseline-produce", "baseline-sync", "baseline-consume")
                .contains(o.command)) {
            throw new IllegalArgumentException("unknown command '" + o.command + "'\n" + USAGE);
        }
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--sync" -> o.sync = true;
                case "--embedded" -> o.embedded = true;
                case "--no-artemis" -> o.noArtemis = true;
                default -> {
                    if (i + 1 >= rest.size()) {
                        throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
                    }
                    String v = rest.get(++i);
                    try {
                        switch (a) {
                            case "--brokers" -> o.brokers = v;
                            case "--topic" -> o.topic = v;
                            case "--messages" -> o.messages = Long.parseLong(v);
                            case "--size" -> o.size = Integer.parseInt(v);
                            case "--batch-size" -> o.batchSize = Integer.parseInt(v);
                            case "--linger-ms" -> o.lingerMs = Integer.parseInt(v);
                            case "--compression" -> o.compression = v;
                            case "--partitions" -> o.partitions = Integer.parseInt(v);
                            case "--warmup" -> o.warmup = Long.parseLong(v);
                            case "--keys" -> o.keys = Integer.parseInt(v);
                            case "--throughput" -> o.throughput = Long.parseLong(v);
                            case "--producers" -> o.producers = Integer.parseInt(v);
                            case "--flush" -> o.flush = v;
                            case "--idempotence" -> o.idempotence = parseBoolean(a, v);
                            case "--transaction-size" -> o.transactionSize = Integer.parseInt(v);
                            case "--in-flight" -> o.inFlight = Integer.parseInt(v);
                            case "--consumers" -> o.consumers = java.util.Arrays.stream(v.split(","))
                                    .mapToInt(x -> Integer.parseInt(x.trim())).toArray();
                            default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("option " + a + " needs a number, got '" + v + "'");
                    }
                }
            }
        }
        if (o.brokers == null && !o.embedded) {
            throw new IllegalArgumentException("give --brokers host:port or --embedded\n" + USAGE);
        }
        if (o.messages < 1 || o.size < 0 || o.partitions < 1) {
            throw new IllegalArgumentException("--messages and --partitions must be >= 1, --size >= 0");
        }
        if (o.consumers == null) {
            o.consumers = o.command.equals("jms") ? new int[] {1, 4} : new int[] {1, 4, 16};
        }
        if (java.util.Arrays.stream(o.consumers).anyMatch(n -> n < 1) || o.consumers.length == 0) {
            throw new IllegalArgumentException("--consumers needs counts >= 1");
        }
        if (o.producers < 1 || o.throughput < 0) {
            throw new IllegalArgumentException("--producers must be >= 1, --throughput >= 0");
        }
        if (o.transactionSize < 0 || (o.transactionSize > 0 && o.sync)) {
            throw new IllegalArgumentException("--transaction-size must be >= 0 and is for async produce");
        }
        if (o.warmup < 0) {
            o.warmup = Math.min(o.messages / 10, 50_000);
        }
        return o;
    }

    private static boolean parseBoolean(String option, String v) {
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("option " + option + " needs true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }
}
