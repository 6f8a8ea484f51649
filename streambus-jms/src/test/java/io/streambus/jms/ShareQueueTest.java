package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

/**
 * Queues on share groups (spec B.13): competing consumers beyond the partition count, selectors that do not steal,
 * broker delivery counts, the delivery limit and the dead-letter queue, browsing, Spring's listener container, and the
 * latency of consumer creation and hand-over.
 */
class ShareQueueTest extends BrokerSupport {

    private static Connection started(StreamBusConnectionFactory f, List<Connection> owned) throws Exception {
        Connection c = f.createConnection();
        owned.add(c);
        c.start();
        return c;
    }

    private static void send(Session s, Queue q, String text, String kind) throws Exception {
        TextMessage m = s.createTextMessage(text);
        if (kind != null) {
            m.setStringProperty("kind", kind);
        }
        s.createProducer(q).send(m);
    }

    private static List<String> drain(MessageConsumer c, long quietMs) throws Exception {
        List<String> out = new ArrayList<>();
        Message m;
        while ((m = c.receive(quietMs)) != null) {
            out.add(((TextMessage) m).getText());
        }
        return out;
    }

    @Test
    void consumersBeyondThePartitionCountAllGetWork() throws Exception {
        Connection c = track(factory("prefetch=1").createConnection(), true);
        Session ps = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = ps.createQueue(unique("share-work"));
        int consumers = 3;
        int messages = 30;
        CountDownLatch everyoneHasOne = new CountDownLatch(consumers);
        Map<Integer, List<String>> got = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(messages);
        for (int i = 0; i < consumers; i++) {
            int id = i;
            got.put(id, new CopyOnWriteArrayList<>());
            MessageConsumer mc = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
            mc.setMessageListener(m -> {
                try {
                    List<String> mine = got.get(id);
                    mine.add(((TextMessage) m).getText());
                    if (mine.size() == 1) {
                        // Each consumer holds its first message until every consumer has one: they work at once.
                        everyoneHasOne.countDown();
                        everyoneHasOne.await(10, TimeUnit.SECONDS);
                    }
                    all.countDown();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        for (int i = 0; i < messages; i++) {
            send(ps, q, "w" + i, null);
        }
        assertThat(all.await(20, TimeUnit.SECONDS)).isTrue();
        List<String> union = new ArrayList<>();
        got.values().forEach(union::addAll);
        assertThat(union).hasSize(messages).doesNotHaveDuplicates();
        got.forEach((id, list) -> assertThat(list).as("consumer %d", id).isNotEmpty());
    }

    @Test
    void selectorsOnAQueueDoNotSteal() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("share-sel"));
        MessageConsumer a = s.createConsumer(q, "kind = 'a'");
        Session s2 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer b = s2.createConsumer(q, "kind = 'b'");
        for (int i = 0; i < 4; i++) {
            send(s, q, "a" + i, "a");
            send(s, q, "b" + i, "b");
        }
        send(s, q, "c0", "c");
        assertThat(drain(a, 1000)).containsExactlyInAnyOrder("a0", "a1", "a2", "a3");
        assertThat(drain(b, 1000)).containsExactlyInAnyOrder("b0", "b1", "b2", "b3");
        // The unselected message stays on the queue for a later consumer that selects it.
        MessageConsumer later = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q, "kind = 'c'");
        Message m = later.receive(5000);
        assertThat(m).isNotNull();
        assertThat(((TextMessage) m).getText()).isEqualTo("c0");
        assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
    }

    @Test
    void recoverRollbackAndAThrowingListenerRedeliverWithTheBrokerCount() throws Exception {
        Connection c = connect();
        Session ps = c.createSession(false, Session.AUTO_ACKNOWLEDGE);

        Queue q1 = ps.createQueue(unique("share-recover"));
        send(ps, q1, "r", null);
        Session client = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer rc = client.createConsumer(q1);
        Message first = rc.receive(5000);
        assertThat(first.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
        assertThat(first.getJMSRedelivered()).isFalse();
        client.recover();
        Message again = rc.receive(5000);
        assertThat(((TextMessage) again).getText()).isEqualTo("r");
        assertThat(again.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(again.getJMSRedelivered()).isTrue();
        again.acknowledge();

        Queue q2 = ps.createQueue(unique("share-rollback"));
        send(ps, q2, "t", null);
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer tc = tx.createConsumer(q2);
        assertThat(tc.receive(5000)).isNotNull();
        tx.rollback();
        Message t2 = tc.receive(5000);
        assertThat(t2.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(t2.getJMSRedelivered()).isTrue();
        tx.commit();

        Queue q3 = ps.createQueue(unique("share-throw"));
        send(ps, q3, "l", null);
        List<Integer> counts = new CopyOnWriteArrayList<>();
        MessageConsumer lc = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q3);
        lc.setMessageListener(m -> {
            try {
                counts.add(m.getIntProperty("JMSXDeliveryCount"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (counts.size() == 1) {
                throw new IllegalStateException("first delivery fails (test)");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> counts.size() >= 2);
        assertThat(counts).containsExactly(1, 2);
    }

    @Test
    void theDeliveryLimitMovesAMessageToTheDeadLetterQueue() throws Exception {
        StreamBusConnectionFactory f = factory("maxDeliveryAttempts=2&deadLetterQueue=DLQ.%7Bqueue%7D");
        Connection c = track(f.createConnection(), true);
        Session ps = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        String name = unique("share-dlq");
        Queue q = ps.createQueue(name);
        Session client = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer mc = client.createConsumer(q);
        TextMessage poison = ps.createTextMessage("poison");
        poison.setStringProperty("order", "42");
        ps.createProducer(q).send(poison);
        assertThat(mc.receive(5000)).isNotNull();
        client.recover();
        Message second = mc.receive(5000);
        assertThat(second.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        client.recover(); // the limit is reached: archived and copied to the dead-letter queue
        assertThat(mc.receive(300)).isNull();

        MessageConsumer dlq = c.createSession(false, Session.AUTO_ACKNOWLEDGE)
                .createConsumer(ps.createQueue("DLQ." + name));
        Message dead = dlq.receive(10_000);
        assertThat(dead).isNotNull();
        assertThat(((TextMessage) dead).getText()).isEqualTo("poison");
        assertThat(dead.getStringProperty("order")).isEqualTo("42");
        assertThat(dead.getStringProperty("JMS_SB_OriginalDestination")).isEqualTo("queue://" + name);
        assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo(name);
        assertThat(dead.getStringProperty("JMS_SB_DeadLetterReason")).isEqualTo("RELEASE");
        assertThat(dead.getStringProperty("sb_dlq_delivery_count")).isEqualTo("2");
        assertThat(dead.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
    }

    @Test
    void deliveryCountsSurviveABrokerRestart() throws Exception {
        StreamBusConnectionFactory f = factory();
        List<Connection> owned = new ArrayList<>();
        Connection c = started(f, owned);
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("share-restart"));
        send(s, q, "durable", null);
        Message m = s.createConsumer(q).receive(5000);
        assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
        c.close(); // not acknowledged: released
        broker.stop();
        broker.start();
        Connection after = started(f, owned);
        try {
            Message again = after.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q).receive(10_000);
            assertThat(again).isNotNull();
            assertThat(again.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
            assertThat(again.getJMSRedelivered()).isTrue();
        } finally {
            for (Connection o : owned) {
                o.close();
            }
        }
    }

    @Test
    void closingReleasesWhatItDeliveredAndReturnsWhatItOnlyBufferedUncounted() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("share-return"));
        for (int i = 0; i < 20; i++) {
            send(s, q, "m" + i, null);
        }
        MessageConsumer first = s.createConsumer(q);
        Set<String> delivered = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            // Not acknowledged, and more than one message ahead of the acknowledgement: a poll's records are buffered.
            Message m = first.receive(5000);
            assertThat(m).as("message %d before any acknowledge()", i).isNotNull();
            delivered.add(((TextMessage) m).getText());
        }
        first.close();
        Map<String, Integer> counts = new java.util.HashMap<>();
        MessageConsumer next = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        while (counts.size() < 20) {
            Message m = next.receive(5000);
            assertThat(m).as("after %s", counts.keySet()).isNotNull();
            counts.put(((TextMessage) m).getText(), m.getIntProperty("JMSXDeliveryCount"));
        }
        counts.forEach((text, count) -> assertThat(count).as(text)
                .isEqualTo(delivered.contains(text) ? 2 : 1));
    }

    @Test
    void aBrowserShowsWhatTheQueueStillHolds() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("share-browse"));
        for (int i = 0; i < 4; i++) {
            send(s, q, "m" + i, i % 2 == 0 ? "even" : "odd");
        }
        MessageConsumer mc = s.createConsumer(q);
        assertThat(((TextMessage) mc.receive(5000)).getText()).isEqualTo("m0");
        mc.close();
        QueueBrowser all = s.createBrowser(q);
        List<String> seen = new ArrayList<>();
        for (Object o : Collections.list(all.getEnumeration())) {
            seen.add(((TextMessage) o).getText());
        }
        assertThat(seen).containsExactly("m1", "m2", "m3");
        QueueBrowser odd = s.createBrowser(q, "kind = 'odd'");
        assertThat(Collections.list(odd.getEnumeration())).hasSize(2);
    }

    @Test
    void springListenerContainerWithConcurrencyFourOnAQueue() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        String name = unique("share-spring");
        Queue q = s.createQueue(name);
        Set<String> received = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        DefaultMessageListenerContainer dmlc = new DefaultMessageListenerContainer();
        dmlc.setConnectionFactory(factory("prefetch=1"));
        dmlc.setDestinationName(name);
        dmlc.setConcurrentConsumers(4);
        dmlc.setReceiveTimeout(100);
        dmlc.setMessageListener((jakarta.jms.MessageListener) m -> {
            try {
                received.add(((TextMessage) m).getText());
                threads.add(Thread.currentThread().getName());
                deliveries.incrementAndGet();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        dmlc.afterPropertiesSet();
        dmlc.start();
        try {
            for (int i = 0; i < 40; i++) {
                send(s, q, "s" + i, null);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 40);
            assertThat(deliveries.get()).isEqualTo(40);
            assertThat(dmlc.getActiveConsumerCount()).isEqualTo(4);
        } finally {
            dmlc.shutdown();
        }
    }

    @Test
    void measuresConsumerCreationAndHandOverLatency() throws Exception {
        Connection c = connect();
        // Reports, does not assert: the first round includes warm-up (class loading, JIT, first share group).
        for (int round = 1; round <= 2; round++) {
            measureOnce(c, round);
        }
    }

    private void measureOnce(Connection c, int round) throws Exception {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("share-latency"));
        send(s, q, "one", null);
        long t0 = System.nanoTime();
        MessageConsumer first = s.createConsumer(q);
        Message m = first.receive(10_000);
        long createToFirst = System.nanoTime() - t0;
        assertThat(m).isNotNull();
        first.close();
        // Hand-over: a second consumer waits on the queue; the first closes holding an unacknowledged message.
        send(s, q, "two", null);
        Session client = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer holder = client.createConsumer(q);
        assertThat(holder.receive(10_000)).isNotNull();
        Session other = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer next = other.createConsumer(q);
        long t1 = System.nanoTime();
        holder.close();
        Message handed = next.receive(10_000);
        long closeToNext = System.nanoTime() - t1;
        assertThat(handed).isNotNull();
        assertThat(handed.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        System.out.printf("ShareQueueTest latency (round %d): createConsumer -> first receive %.1f ms; close -> next "
                + "consumer receives %.1f ms%n", round, createToFirst / 1e6, closeToNext / 1e6);
        next.close();
    }
}
