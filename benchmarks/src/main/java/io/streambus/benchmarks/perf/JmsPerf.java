package io.streambus.benchmarks.perf;

import io.streambus.client.StreamBusClient;
import io.streambus.jms.StreamBusConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JMS provider measured in one run against one broker, with its baselines (issue 12's queue/topic figures and
 * issue 17's JMS targets): for each delivery mode (NON_PERSISTENT, PERSISTENT) and each consumer count of
 * {@code --consumers} (default 1,4), {@code --messages} BytesMessages of {@code --size} bytes are sent to a fresh topic
 * and to a fresh queue (both with {@code --partitions} partitions) by one producer, then received with
 * AUTO_ACKNOWLEDGE by that many consumers, each with its own session and thread on one connection.
 *
 * <p>The same workload runs, interleaved pass by pass (so that load drift on a shared machine touches both alike),
 * against an embedded Apache Artemis broker ({@link EmbeddedArtemis}: Netty TCP acceptor on 127.0.0.1, NIO journal
 * in a temporary directory, journal sync as the StreamBus broker's flush policy) through its Jakarta JMS client with
 * Artemis's defaults (non-persistent sends asynchronous, persistent sends blocking, acknowledgements asynchronous);
 * {@code --no-artemis} leaves it out. And the StreamBus raw client's rates on the same broker are measured before and
 * after the JMS passes ({@link ClientBaseline}: async produce, consume, share consumers per consumer count), whose
 * means are the baselines of the RATIOS lines.
 *
 * <p>What is measured: send is the producer's loop (one {@code send} per message; the provider decides whether it
 * waits for the broker) up to the producing session's close, which waits for asynchronous sends to complete;
 * receive runs from {@code Connection.start()} until the consumers have received every message. A queue's consumers
 * compete (each message goes to one of them); a topic's consumers are subscribers that each receive every message, so
 * "receive msgs/s" is messages of the destination per second (N / time) for both, and the deliveries/s column shows
 * the topic's k-fold work. The receive time includes the consumers' start-up (StreamBus: group join or share
 * session, first fetch); the last column shows when the first message arrived, measured from the same start.
 *
 * <p>Both receive passes read stored messages: queue consumers are created after the send, and a topic's subscribers
 * are unshared durable subscriptions (one per consumer, client id = the destination's name) that are created before
 * the send and closed at once, so that they keep the messages without a consumer prefetching them, and reopened after
 * the send, before the timer starts. (Until this change the topic used non-durable subscribers that existed during
 * the send and filled their prefetch buffers meanwhile, so the topic's receive time partly measured draining a client
 * buffer and the queue/topic ratio was biased against queues; those figures are not comparable with these.) On
 * StreamBus a durable subscription is a consumer group that commits the log end when it is created, on Artemis a
 * durable subscription queue; both are unsubscribed after the pass, outside the timing. Queue consumers and reopened
 * subscribers alike are created before the timer starts, so either may hold up to its prefetch before
 * {@code Connection.start()} (the StreamBus consumer starts fetching when it is created): a bounded head start, the
 * same for both. A warm-up pair per broker
 * ({@code --warmup} messages, not reported) runs first.
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class JmsPerf {
    /** A consumer that sees nothing for this long fails the run (never a hang). */
    private static final long IDLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private JmsPerf() {
    }

    /** Creates a destination's storage before a pass (StreamBus: its topic with the partitions asked for). */
    interface Setup {
        void create(String name) throws Exception;
    }

    /** A broker under test: its name in the report, its JMS factory and how destinations are prepared. */
    record Target(String name, ConnectionFactory factory, Setup setup) {
    }

    /** One measured destination: send and receive of {@code messages}. */
    record Pass(String broker, String kind, int deliveryMode, int consumers, long messages, long sendNanos,
                long receiveNanos, long firstNanos, long deliveries) {
        double sendRate() {
            return messages / (sendNanos / 1e9);
        }

        double receiveRate() {
            return messages / (receiveNanos / 1e9);
        }

        double deliveryRate() {
            return deliveries / (receiveNanos / 1e9);
        }
    }

    /** The raw client's timings of one baseline round: produce, consume and share consumption per consumer count. */
    record Baselines(long messages, long produceNanos, long consumeNanos, Map<Integer, Long> shareNanos) {
        static double rate(long n, long nanos) {
            return n / (nanos / 1e9);
        }
    }

    /**
     * Runs the comparison.
     *
     * @param bootstrap the StreamBus broker list
     * @return the report: a table of the JMS passes, the baselines and the RATIOS lines
     */
    public static String run(String bootstrap, PerfOptions o) throws Exception {
        String nonce = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("StreamBus", new StreamBusConnectionFactory("streambus://" + bootstrap), name -> {
            try (StreamBusClient admin = StreamBusClient.builder().bootstrap(bootstrap).clientId("perf-jms-admin")
                    .build()) {
                admin.admin().createTopic(name, o.partitions).get(30, TimeUnit.SECONDS);
            }
        }));
        boolean journalSync = "every-write".equals(o.flush);
        EmbeddedArtemis artemis = o.noArtemis ? null : EmbeddedArtemis.start(journalSync);
        try {
            if (artemis != null) {
                System.out.println("embedded Artemis on " + artemis.url() + " (journal in " + artemis.dataDir()
                        + ", NIO, sync " + journalSync + ")");
                targets.add(new Target("Artemis", artemis.connectionFactory(), name -> { }));
            }
            ClientBaseline client = new ClientBaseline(bootstrap, o.size, o.partitions);
            if (o.warmup > 0) {
                for (Target t : targets) {
                    String w = "perf-jms-warm-" + t.name.toLowerCase(Locale.ROOT) + "-" + nonce;
                    pass(t, o, "topic", DeliveryMode.NON_PERSISTENT, 1, o.warmup, w + "-t");
                    pass(t, o, "queue", DeliveryMode.NON_PERSISTENT, 1, o.warmup, w + "-q");
                }
                client.produce("perf-client-warm-" + nonce, o.warmup);
                client.consume("perf-client-warm-" + nonce, o.warmup);
            }
            Baselines before = baselines(client, o, nonce + "a");
            List<Pass[]> rows = new ArrayList<>();
            for (int mode : new int[] {DeliveryMode.NON_PERSISTENT, DeliveryMode.PERSISTENT}) {
                for (int k : o.consumers) {
                    for (Target t : targets) {
                        String suffix = t.name.toLowerCase(Locale.ROOT) + "-" + modeTag(mode) + "-" + k + "-" + nonce;
                        Pass topic = pass(t, o, "topic", mode, k, o.messages, "perf-jms-t-" + suffix);
                        Pass queue = pass(t, o, "queue", mode, k, o.messages, "perf-jms-q-" + suffix);
                        rows.add(new Pass[] {topic, queue});
                    }
                }
            }
            Baselines after = baselines(client, o, nonce + "b");
            return report(rows, before, after, o, artemis == null ? null : "NIO journal, sync " + journalSync);
        } finally {
            if (artemis != null) {
                artemis.close();
            }
        }
    }

    private static String modeTag(int mode) {
        return mode == DeliveryMode.PERSISTENT ? "p" : "np";
    }

    private static String modeName(int mode) {
        return mode == DeliveryMode.PERSISTENT ? "PERSISTENT" : "NON_PERSISTENT";
    }

    /** One round of the raw client's baselines on a fresh topic of {@code o.messages} records. */
    private static Baselines baselines(ClientBaseline client, PerfOptions o, String nonce) throws Exception {
        String topic = "perf-client-" + nonce;
        long produce = client.produce(topic, o.messages);
        long consume = client.consume(topic, o.messages);
        Map<Integer, Long> share = new LinkedHashMap<>();
        for (int k : o.consumers) {
            share.put(k, client.share(topic, "perf-client-share-" + k + "-" + nonce, k, o.messages));
        }
        Baselines b = new Baselines(o.messages, produce, consume, share);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "BASELINE client: async produce %,.0f rec/s; consume x1 %,.0f rec/s",
                Baselines.rate(o.messages, produce), Baselines.rate(o.messages, consume)));
        share.forEach((k, nanos) -> line.append(String.format(Locale.ROOT, "; share x%d %,.0f rec/s", k,
                Baselines.rate(o.messages, nanos))));
        System.out.println(line);
        return b;
    }

    /** Mean of the two rounds' rates. */
    private static double mean(long n, long nanosBefore, long nanosAfter) {
        return (Baselines.rate(n, nanosBefore) + Baselines.rate(n, nanosAfter)) / 2;
    }

    static String report(List<Pass[]> rows, Baselines before, Baselines after, PerfOptions o, String artemis) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nJMS: %,d BytesMessages of %d B, AUTO_ACKNOWLEDGE, %d partition(s), "
                + "one producer%s%n", o.messages, o.size, o.partitions,
                artemis == null ? "" : "; Artemis 2.56.0 embedded (Netty TCP on 127.0.0.1, " + artemis + ")"));
        out.append("| broker | delivery | consumers | topic send msgs/s | queue send msgs/s"
                + " | topic (durable) receive msgs/s (deliveries/s) | queue receive msgs/s | receive queue/topic"
                + " | first message topic / queue ms |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Pass[] p : rows) {
            Pass t = p[0];
            Pass q = p[1];
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %,.0f | %,.0f (%,.0f) | %,.0f | %.2f"
                            + " | %.0f / %.0f |%n", t.broker, modeName(t.deliveryMode), t.consumers, t.sendRate(),
                    q.sendRate(), t.receiveRate(), t.deliveryRate(), q.receiveRate(), q.receiveRate() / t.receiveRate(),
                    t.firstNanos() / 1e6, q.firstNanos() / 1e6));
        }
        long n = before.messages();
        double produce = mean(n, before.produceNanos(), after.produceNanos());
        double consume = mean(n, before.consumeNanos(), after.consumeNanos());
        out.append(String.format(Locale.ROOT, "%nStreamBus client baselines (same broker, %,d records of %d B, client "
                + "defaults; before / after the JMS passes, mean)%n", n, o.size));
        out.append("| path | before rec/s | after rec/s | mean rec/s |\n|---|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "| async produce | %,.0f | %,.0f | %,.0f |%n",
                Baselines.rate(n, before.produceNanos()), Baselines.rate(n, after.produceNanos()), produce));
        out.append(String.format(Locale.ROOT, "| consume x1 | %,.0f | %,.0f | %,.0f |%n",
                Baselines.rate(n, before.consumeNanos()), Baselines.rate(n, after.consumeNanos()), consume));
        Map<Integer, Double> share = new LinkedHashMap<>();
        before.shareNanos().forEach((k, nanos) -> {
            long later = after.shareNanos().get(k);
            share.put(k, mean(n, nanos, later));
            out.append(String.format(Locale.ROOT, "| share consume x%d | %,.0f | %,.0f | %,.0f |%n", k,
                    Baselines.rate(n, nanos), Baselines.rate(n, later), share.get(k)));
        });

        StringBuilder send = new StringBuilder("RATIOS jms-send/client-async-produce (target >= 0.7):");
        StringBuilder topicRx = new StringBuilder("RATIOS jms-topic-receive/client-consume (durable subscriptions, "
                + "stored; target >= 0.5):");
        StringBuilder queueRx = new StringBuilder("RATIOS jms-queue-receive/client-consume (target >= 0.5):");
        StringBuilder queueShare = new StringBuilder("RATIOS jms-queue-receive/client-share-consume (same count):");
        StringBuilder queueTopic = new StringBuilder("RATIOS jms-queue-receive/jms-topic-receive (issue 12, target "
                + ">= 0.5):");
        StringBuilder vsArtemis = new StringBuilder("RATIOS streambus/artemis:");
        for (Pass[] p : rows) {
            Pass t = p[0];
            Pass q = p[1];
            String tag = modeTag(t.deliveryMode) + "-x" + t.consumers;
            if (!t.broker.equals("StreamBus")) {
                continue;
            }
            send.append(String.format(Locale.ROOT, " %s-topic=%.2f %s-queue=%.2f", tag, t.sendRate() / produce, tag,
                    q.sendRate() / produce));
            topicRx.append(String.format(Locale.ROOT, " %s=%.2f", tag, t.receiveRate() / consume));
            queueRx.append(String.format(Locale.ROOT, " %s=%.2f", tag, q.receiveRate() / consume));
            queueShare.append(String.format(Locale.ROOT, " %s=%.2f", tag, q.receiveRate() / share.get(t.consumers)));
            queueTopic.append(String.format(Locale.ROOT, " %s=%.2f", tag, q.receiveRate() / t.receiveRate()));
            for (Pass[] a : rows) {
                if (a[0].broker.equals("Artemis") && a[0].deliveryMode == t.deliveryMode
                        && a[0].consumers == t.consumers) {
                    vsArtemis.append(String.format(Locale.ROOT, " %s: topic-send=%.2f queue-send=%.2f "
                                    + "topic-receive=%.2f queue-receive=%.2f;", tag, t.sendRate() / a[0].sendRate(),
                            q.sendRate() / a[1].sendRate(), t.receiveRate() / a[0].receiveRate(),
                            q.receiveRate() / a[1].receiveRate()));
                }
            }
        }
        out.append(send).append('\n').append(topicRx).append('\n').append(queueRx).append('\n').append(queueShare)
                .append('\n').append(queueTopic);
        if (artemis != null) {
            out.append('\n').append(vsArtemis);
        }
        return out.toString();
    }

    /**
     * Sends {@code n} messages to a fresh destination {@code name} and receives them with {@code k} consumers. A
     * topic's {@code k} subscribers are unshared durable subscriptions (one each, on a connection whose client id is
     * {@code name}) created before the send and closed at once, then reopened after it for the timed receive, so that
     * they read stored messages as the queue's consumers do; they are unsubscribed after the pass.
     */
    static Pass pass(Target target, PerfOptions o, String kind, int mode, int k, long n, String name)
            throws Exception {
        target.setup.create(name);
        ConnectionFactory cf = target.factory;
        boolean queue = kind.equals("queue");
        try (Connection receiving = cf.createConnection(); Connection sending = cf.createConnection()) {
            if (!queue) {
                receiving.setClientID(name); // unshared durable subscriptions need one; each pass has its own
            }
            List<Session> sessions = new ArrayList<>();
            List<MessageConsumer> consumers = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                sessions.add(receiving.createSession(false, Session.AUTO_ACKNOWLEDGE));
            }
            Destination dest = queue ? sessions.get(0).createQueue(name) : sessions.get(0).createTopic(name);
            if (!queue) {
                // The subscriptions must exist before the send to keep its messages, but without an open consumer:
                // one would prefetch during the send, and the timed receive would partly drain a client buffer.
                for (int i = 0; i < k; i++) {
                    sessions.get(i).createDurableConsumer((Topic) dest, subscription(i)).close();
                }
            }
            long sendNanos = send(sending, dest, mode, n, o.size);
            for (int i = 0; i < k; i++) {
                consumers.add(queue ? sessions.get(i).createConsumer(dest)
                        : sessions.get(i).createDurableConsumer((Topic) dest, subscription(i)));
            }
            long perConsumer = queue ? -1 : n; // a topic subscriber gets every message, queue consumers share them
            AtomicLong received = new AtomicLong();
            AtomicLong firstAt = new AtomicLong();
            long total = queue ? n : n * k;
            ExecutorService pool = Executors.newFixedThreadPool(k);
            Pass p;
            try {
                long t0 = System.nanoTime();
                receiving.start();
                List<Future<Long>> results = new ArrayList<>();
                for (MessageConsumer c : consumers) {
                    results.add(pool.submit(() -> receive(c, received, firstAt, total, perConsumer)));
                }
                long got = 0;
                for (Future<Long> f : results) {
                    got += f.get(30, TimeUnit.MINUTES);
                }
                long receiveNanos = System.nanoTime() - t0;
                if (got != total) {
                    throw new IllegalStateException(kind + " " + name + ": received " + got + " of " + total);
                }
                p = new Pass(target.name, kind, mode, k, n, sendNanos, receiveNanos, firstAt.get() - t0, total);
                System.out.printf(Locale.ROOT, "RUN %s %s %s x%d: sent %,d in %.2f s = %,.0f msgs/s; received in %.2f s "
                                + "= %,.0f msgs/s (%,.0f deliveries/s), first after %.0f ms%n", target.name,
                        queue ? "queue" : "topic (durable, stored)",
                        mode == DeliveryMode.PERSISTENT ? "PERSISTENT" : "NON_PERSISTENT", k, n, sendNanos / 1e9,
                        p.sendRate(), receiveNanos / 1e9, p.receiveRate(), p.deliveryRate(), p.firstNanos() / 1e6);
            } finally {
                pool.shutdownNow();
            }
            if (!queue) {
                for (int i = 0; i < k; i++) { // not timed: frees the subscriptions' storage on both brokers
                    consumers.get(i).close();
                    sessions.get(i).unsubscribe(subscription(i));
                }
            }
            return p;
        }
    }

    private static String subscription(int i) {
        return "perf-sub-" + i;
    }

    /**
     * One producer sends {@code n} BytesMessages of {@code size} bytes; returns the nanoseconds until its session is
     * closed.
     */
    private static long send(Connection connection, Destination dest, int mode, long n, int size)
            throws JMSException {
        byte[] body = new byte[size];
        long t0;
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(dest)) {
            p.setDeliveryMode(mode);
            t0 = System.nanoTime();
            for (long i = 0; i < n; i++) {
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                p.send(m);
            }
        }
        return System.nanoTime() - t0;
    }

    /**
     * Receives until {@code total} messages were received by all consumers together ({@code perConsumer < 0}, a
     * queue) or this consumer has {@code perConsumer} (a topic subscriber); returns this consumer's count. The first
     * message of all consumers sets {@code firstAt} (consumer start-up: group join, share session, first fetch).
     */
    private static long receive(MessageConsumer c, AtomicLong received, AtomicLong firstAt, long total,
                                long perConsumer)
            throws JMSException {
        long mine = 0;
        long idleSince = System.nanoTime();
        while (perConsumer < 0 ? received.get() < total : mine < perConsumer) {
            Message m = c.receive(100);
            if (m == null) {
                if (System.nanoTime() - idleSince > IDLE_LIMIT_NANOS) {
                    throw new IllegalStateException("no message for 30 s after " + received.get() + " of " + total);
                }
                continue;
            }
            idleSince = System.nanoTime();
            if (mine == 0) {
                firstAt.compareAndSet(0, idleSince);
            }
            if (((BytesMessage) m).getBodyLength() < 0) {
                throw new IllegalStateException("negative body length"); // reads the body, as an application would
            }
            mine++;
            received.incrementAndGet();
        }
        return mine;
    }
}
