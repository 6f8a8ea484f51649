package io.streambus.benchmarks.perf;

import io.streambus.client.StreamBusClient;
import io.streambus.jms.StreamBusConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JMS queue against JMS topic through the streambus-jms provider, in one run against one broker (issue 12's
 * performance figures): for each delivery mode (NON_PERSISTENT, PERSISTENT) and each consumer count of
 * {@code --consumers} (default 1,4), {@code --messages} BytesMessages of {@code --size} bytes are sent to a fresh topic
 * and to a fresh queue (both with {@code --partitions} partitions) by one synchronous producer, then received with
 * AUTO_ACKNOWLEDGE by that many consumers, each with its own session and thread on one connection.
 *
 * <p>What is measured: send is the producer's loop (one {@code send} per message, each waiting for the broker);
 * receive runs from {@code Connection.start()} until the consumers have received every message. A queue's consumers
 * compete (each message goes to one of them; the queue is a share group where the broker serves them, else a consumer
 * group); a topic's consumers are non-durable subscribers that each receive every message, so "receive msgs/s" is
 * messages of the destination per second (N / time) for both, and the deliveries/s column shows the topic's k-fold
 * work. Topic subscribers exist before the send (a non-durable subscription starts at the log end) and buffer up to
 * their prefetch meanwhile; queue consumers are created after it. The topic of a pair runs just before its queue, so
 * load drift on a shared machine touches both alike. A warm-up pair ({@code --warmup} messages, not reported) runs
 * first.
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class JmsPerf {
    /** A consumer that sees nothing for this long fails the run (never a hang). */
    private static final long IDLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private JmsPerf() {
    }

    /** One measured destination: send and receive of {@code messages}. */
    record Pass(String kind, int deliveryMode, int consumers, long messages, long sendNanos, long receiveNanos,
                long deliveries) {
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

    /**
     * Runs the comparison.
     *
     * @param bootstrap the broker list
     * @return the report: one RUN line per pass and a table with the queue/topic ratios
     */
    public static String run(String bootstrap, PerfOptions o) throws Exception {
        StreamBusConnectionFactory cf = new StreamBusConnectionFactory("streambus://" + bootstrap);
        String nonce = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        if (o.warmup > 0) {
            pass(cf, bootstrap, o, "topic", DeliveryMode.NON_PERSISTENT, 1, o.warmup, "perf-jms-warm-t-" + nonce);
            pass(cf, bootstrap, o, "queue", DeliveryMode.NON_PERSISTENT, 1, o.warmup, "perf-jms-warm-q-" + nonce);
        }
        List<Pass[]> pairs = new ArrayList<>();
        for (int mode : new int[] {DeliveryMode.NON_PERSISTENT, DeliveryMode.PERSISTENT}) {
            for (int k : o.consumers) {
                String suffix = (mode == DeliveryMode.PERSISTENT ? "p" : "np") + "-" + k + "-" + nonce;
                Pass topic = pass(cf, bootstrap, o, "topic", mode, k, o.messages, "perf-jms-t-" + suffix);
                Pass queue = pass(cf, bootstrap, o, "queue", mode, k, o.messages, "perf-jms-q-" + suffix);
                pairs.add(new Pass[] {topic, queue});
            }
        }
        return table(pairs, o);
    }

    static String table(List<Pass[]> pairs, PerfOptions o) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nJMS queue vs topic: %,d BytesMessages of %d B, AUTO_ACKNOWLEDGE, "
                + "%d partition(s), one synchronous producer%n", o.messages, o.size, o.partitions));
        out.append("| delivery | consumers | topic send msgs/s | queue send msgs/s | send queue/topic"
                + " | topic receive msgs/s (deliveries/s) | queue receive msgs/s | receive queue/topic |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        StringBuilder ratios = new StringBuilder("RATIOS");
        for (Pass[] p : pairs) {
            Pass t = p[0];
            Pass q = p[1];
            String mode = t.deliveryMode == DeliveryMode.PERSISTENT ? "PERSISTENT" : "NON_PERSISTENT";
            out.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.2f | %,.0f (%,.0f) | %,.0f | %.2f |%n",
                    mode, t.consumers, t.sendRate(), q.sendRate(), q.sendRate() / t.sendRate(), t.receiveRate(),
                    t.deliveryRate(), q.receiveRate(), q.receiveRate() / t.receiveRate()));
            ratios.append(String.format(Locale.ROOT, " %s-x%d=%.2f",
                    t.deliveryMode == DeliveryMode.PERSISTENT ? "p" : "np", t.consumers,
                    q.receiveRate() / t.receiveRate()));
        }
        return out.append(ratios).toString();
    }

    /** Sends {@code n} messages to a fresh destination {@code name} and receives them with {@code k} consumers. */
    static Pass pass(StreamBusConnectionFactory cf, String bootstrap, PerfOptions o, String kind, int mode, int k,
                     long n, String name) throws Exception {
        try (StreamBusClient admin = StreamBusClient.builder().bootstrap(bootstrap).clientId("perf-jms-admin")
                .build()) {
            admin.admin().createTopic(name, o.partitions).get(30, TimeUnit.SECONDS);
        }
        boolean queue = kind.equals("queue");
        try (Connection receiving = cf.createConnection(); Connection sending = cf.createConnection()) {
            List<Session> sessions = new ArrayList<>();
            List<MessageConsumer> consumers = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                sessions.add(receiving.createSession(false, Session.AUTO_ACKNOWLEDGE));
            }
            Destination dest = queue ? sessions.get(0).createQueue(name) : sessions.get(0).createTopic(name);
            if (!queue) {
                // Non-durable subscribers start at the log end: they must exist before the send.
                for (Session s : sessions) {
                    consumers.add(s.createConsumer(dest));
                }
            }
            long sendNanos = send(sending, dest, mode, n, o.size);
            if (queue) {
                for (Session s : sessions) {
                    consumers.add(s.createConsumer(dest));
                }
            }
            long perConsumer = queue ? -1 : n; // a topic subscriber gets every message, queue consumers share them
            AtomicLong received = new AtomicLong();
            long total = queue ? n : n * k;
            ExecutorService pool = Executors.newFixedThreadPool(k);
            try {
                long t0 = System.nanoTime();
                receiving.start();
                List<Future<Long>> results = new ArrayList<>();
                for (MessageConsumer c : consumers) {
                    results.add(pool.submit(() -> receive(c, received, total, perConsumer)));
                }
                long got = 0;
                for (Future<Long> f : results) {
                    got += f.get(30, TimeUnit.MINUTES);
                }
                long receiveNanos = System.nanoTime() - t0;
                if (got != total) {
                    throw new IllegalStateException(kind + " " + name + ": received " + got + " of " + total);
                }
                Pass p = new Pass(kind, mode, k, n, sendNanos, receiveNanos, total);
                System.out.printf(Locale.ROOT, "RUN %s %s x%d: sent %,d in %.2f s = %,.0f msgs/s; received in %.2f s "
                                + "= %,.0f msgs/s (%,.0f deliveries/s)%n", kind,
                        mode == DeliveryMode.PERSISTENT ? "PERSISTENT" : "NON_PERSISTENT", k, n, sendNanos / 1e9,
                        p.sendRate(), receiveNanos / 1e9, p.receiveRate(), p.deliveryRate());
                return p;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** One synchronous producer sends {@code n} BytesMessages of {@code size} bytes; returns the nanoseconds. */
    private static long send(Connection connection, Destination dest, int mode, long n, int size)
            throws JMSException {
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(dest)) {
            p.setDeliveryMode(mode);
            byte[] body = new byte[size];
            long t0 = System.nanoTime();
            for (long i = 0; i < n; i++) {
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                p.send(m);
            }
            return System.nanoTime() - t0;
        }
    }

    /**
     * Receives until {@code total} messages were received by all consumers together ({@code perConsumer < 0}, a
     * queue) or this consumer has {@code perConsumer} (a topic subscriber); returns this consumer's count.
     */
    private static long receive(MessageConsumer c, AtomicLong received, long total, long perConsumer)
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
            if (((BytesMessage) m).getBodyLength() < 0) {
                throw new IllegalStateException("negative body length"); // reads the body, as an application would
            }
            mine++;
            received.incrementAndGet();
        }
        return mine;
    }
}
