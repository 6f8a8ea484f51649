package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.ServerSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code Connection.createConnectionConsumer} and friends (Jakarta Messaging 3.1 §8.2, the path application servers
 * drive message-driven beans with), driven by {@link Pool}, a minimal application-server-style
 * {@link ServerSessionPool}: each server session is a session of the same connection with a listener, run on a pool
 * thread when started.
 */
class ConnectionConsumerTest extends BrokerSupport {

    /** A fixed set of server sessions; {@code getServerSession} blocks (bounded) until one is free. */
    static final class Pool implements ServerSessionPool, AutoCloseable {
        private final BlockingQueue<ServerSession> free;
        private final ExecutorService threads;
        final Set<String> threadNames = ConcurrentHashMap.newKeySet();

        Pool(Connection c, int size, MessageListener listener) throws JMSException {
            free = new ArrayBlockingQueue<>(size);
            threads = Executors.newFixedThreadPool(size);
            for (int i = 0; i < size; i++) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.setMessageListener(listener);
                free.add(new ServerSession() {
                    @Override
                    public Session getSession() {
                        return s;
                    }

                    @Override
                    public void start() {
                        ServerSession self = this;
                        threads.execute(() -> {
                            threadNames.add(Thread.currentThread().getName());
                            s.run();
                            free.add(self);
                        });
                    }
                });
            }
        }

        @Override
        public ServerSession getServerSession() throws JMSException {
            try {
                ServerSession s = free.poll(30, TimeUnit.SECONDS);
                if (s == null) {
                    throw new JMSException("no free server session within 30 s");
                }
                return s;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JMSException("interrupted while waiting for a server session");
            }
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }

    private static List<String> texts(List<Message> messages) throws JMSException {
        List<String> out = new ArrayList<>();
        for (Message m : messages) {
            out.add(((TextMessage) m).getText());
        }
        return out;
    }

    private static void send(Session s, jakarta.jms.Destination d, int from, int to) throws JMSException {
        var p = s.createProducer(d);
        for (int i = from; i < to; i++) {
            p.send(s.createTextMessage("m" + i));
        }
        p.close();
    }

    @Test
    void queueMessagesAreSpreadOverServerSessionsOnceEachAndAcknowledged() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("cc-queue"));
        List<Message> got = new CopyOnWriteArrayList<>();
        try (Pool pool = new Pool(c, 3, got::add)) {
            ConnectionConsumer cc = c.createConnectionConsumer(q, null, pool, 4);
            assertThat(cc.getServerSessionPool()).isSameAs(pool);
            send(s, q, 0, 60);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 60);
            assertThat(texts(got)).hasSize(60).doesNotHaveDuplicates();
            assertThat(pool.threadNames).isNotEmpty();
            cc.close();
            assertThatThrownBy(cc::getServerSessionPool).isInstanceOf(IllegalStateException.class);
        }
        // Acknowledged: a plain consumer of the queue finds nothing left.
        assertThat(s.createConsumer(q).receive(500)).isNull();
    }

    @Test
    void aListenerThatThrowsGetsTheMessageAgainMarkedRedelivered() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("cc-redeliver"));
        List<Message> got = new CopyOnWriteArrayList<>();
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        MessageListener l = m -> {
            got.add(m);
            try {
                if (attempts.merge(((TextMessage) m).getText(), 1, Integer::sum) == 1
                        && ((TextMessage) m).getText().equals("m1")) {
                    throw new RuntimeException("first attempt of m1 fails");
                }
            } catch (JMSException e) {
                throw new RuntimeException(e);
            }
        };
        try (Pool pool = new Pool(c, 2, l)) {
            c.createConnectionConsumer(q, null, pool, 1);
            send(s, q, 0, 3);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> attempts.getOrDefault("m1", 0) >= 2);
            Message again = got.stream().filter(m -> {
                try {
                    return ((TextMessage) m).getText().equals("m1") && m.getJMSRedelivered();
                } catch (JMSException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
            assertThat(again.getIntProperty("JMSXDeliveryCount")).isGreaterThanOrEqualTo(2);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> attempts.keySet().size() == 3);
        }
    }

    @Test
    void aSelectorAndAStoppedConnectionAreHonoured() throws Exception {
        Connection c = track(factory().createConnection(), false);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("cc-selector"));
        List<Message> got = new CopyOnWriteArrayList<>();
        try (Pool pool = new Pool(c, 2, got::add)) {
            c.createConnectionConsumer(q, "kind = 'wanted'", pool, 10);
            var p = s.createProducer(q);
            for (int i = 0; i < 6; i++) {
                TextMessage m = s.createTextMessage("m" + i);
                m.setStringProperty("kind", i % 2 == 0 ? "wanted" : "other");
                p.send(m);
            }
            // Not started: nothing is delivered (a bounded look, the positive case follows).
            Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(got::isEmpty);
            c.start();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 3);
            assertThat(texts(got)).containsExactlyInAnyOrder("m0", "m2", "m4");
        }
    }

    @Test
    void sharedAndDurableConnectionConsumersReadTheirSubscription() throws Exception {
        Connection c = track(factory("clientID=" + unique("cc-client")).createConnection(), true);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("cc-topic"));
        List<Message> shared = new CopyOnWriteArrayList<>();
        List<Message> durable = new CopyOnWriteArrayList<>();
        try (Pool sharedPool = new Pool(c, 2, shared::add); Pool durablePool = new Pool(c, 2, durable::add)) {
            ConnectionConsumer sc = c.createSharedConnectionConsumer(t, "shared-sub", null, sharedPool, 5);
            ConnectionConsumer dc = c.createDurableConnectionConsumer(t, "durable-sub", null, durablePool, 5);
            send(s, t, 0, 10);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> shared.size() >= 10 && durable.size() >= 10);
            assertThat(texts(shared)).hasSize(10).doesNotHaveDuplicates();
            assertThat(texts(durable)).hasSize(10).doesNotHaveDuplicates();
            sc.close();
            dc.close();

            // The durable subscription keeps what is published while no consumer is open.
            send(s, t, 10, 13);
            durable.clear();
            ConnectionConsumer again = c.createDurableConnectionConsumer(t, "durable-sub", null, durablePool, 5);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> durable.size() >= 3);
            assertThat(texts(durable)).containsExactlyInAnyOrder("m10", "m11", "m12");
            again.close();
            s.unsubscribe("durable-sub");
        }
    }

    @Test
    void sharedDurableConnectionConsumerAndArgumentChecks() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("cc-sd"));
        List<Message> got = new CopyOnWriteArrayList<>();
        try (Pool pool = new Pool(c, 1, got::add)) {
            assertThatThrownBy(() -> c.createConnectionConsumer(t, null, null, 1)).isInstanceOf(JMSException.class);
            assertThatThrownBy(() -> c.createConnectionConsumer(t, null, pool, 0)).isInstanceOf(JMSException.class);
            assertThatThrownBy(() -> c.createConnectionConsumer(t, "a = ", pool, 1))
                    .isInstanceOf(jakarta.jms.InvalidSelectorException.class);
            ConnectionConsumer cc = c.createSharedDurableConnectionConsumer(t, "sd-sub", null, pool, 3);
            send(s, t, 0, 5);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 5);
            assertThat(texts(got)).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4");
            cc.close();
            s.unsubscribe("sd-sub");
        }
    }

    @Test
    void closingTheConnectionClosesItsConnectionConsumers() throws Exception {
        Connection c = track(factory().createConnection(), true);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("cc-close"));
        try (Pool pool = new Pool(c, 1, m -> { })) {
            ConnectionConsumer cc = c.createConnectionConsumer(q, null, pool, 1);
            c.close();
            assertThatThrownBy(cc::getServerSessionPool).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.createConnectionConsumer(q, null, pool, 1))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void stopWaitsForRunningServerSessionsWhichMustNotStopTheConnectionThemselves() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("cc-stop"));
        List<String> events = new CopyOnWriteArrayList<>();
        List<Throwable> fromListener = new CopyOnWriteArrayList<>();
        Blocked.Gate gate = new Blocked.Gate(events);
        MessageListener l = m -> {
            try {
                c.stop();
            } catch (Throwable e) {
                fromListener.add(e);
            }
            gate.pass();
        };
        try (Pool pool = new Pool(c, 1, l)) {
            c.createConnectionConsumer(q, null, pool, 1);
            send(s, q, 0, 1);
            assertThat(gate.awaitEntered()).isTrue();
            assertThat(fromListener).singleElement().isInstanceOf(IllegalStateException.class);
            java.util.concurrent.CompletableFuture<Void> stopped = new java.util.concurrent.CompletableFuture<>();
            Blocked.start(() -> {
                c.stop();
                events.add("stop returned");
                stopped.complete(null);
            }, stopped);
            assertThat(stopped).isNotDone();
            gate.release();
            stopped.get(10, TimeUnit.SECONDS);
            assertThat(events).containsExactly("listener returned", "stop returned");
        }
    }
}
