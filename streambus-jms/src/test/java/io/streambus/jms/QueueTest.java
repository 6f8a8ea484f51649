package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Queues: earliest first, browsing, selectors; competing consumers per partition and standbys in the consumer-group
 * mapping ({@code queueMode=group}, what brokers without share groups get).
 */
class QueueTest extends BrokerSupport {

    private static List<String> drain(MessageConsumer c, long quietMs) throws Exception {
        List<String> out = new ArrayList<>();
        Message m;
        while ((m = c.receive(quietMs)) != null) {
            out.add(((TextMessage) m).getText());
        }
        return out;
    }

    @Test
    void messagesSentBeforeAnyConsumerAreKeptAndConsumedOnce() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("orders"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 5; i++) {
            p.send(s.createTextMessage("o" + i));
        }
        MessageConsumer consumer = s.createConsumer(q);
        List<String> first = new ArrayList<>();
        first.add(((TextMessage) consumer.receive(10_000)).getText());
        first.add(((TextMessage) consumer.receive(5000)).getText());
        assertThat(first).containsExactly("o0", "o1");
        consumer.close();
        // A new consumer (another connection) continues after what was acknowledged.
        Connection other = connect();
        MessageConsumer next = other.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        List<String> rest = new ArrayList<>();
        rest.add(((TextMessage) next.receive(10_000)).getText());
        rest.addAll(drain(next, 300));
        assertThat(rest).containsExactly("o2", "o3", "o4");
    }

    @Test
    void competingConsumersSplitPartitionsAndEachMessageGoesToOne() throws Exception {
        String name = unique("work");
        try (StreamBusClient client = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port))) {
            client.admin().createTopic(name, 2).get();
        }
        // The consumer-group mapping (brokers without share groups); ShareQueueTest covers share-group queues.
        Connection c1 = track(factory("queueMode=group").createConnection(), true);
        Connection c2 = track(factory("queueMode=group").createConnection(), true);
        Session s1 = c1.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = c2.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s1.createQueue(name);
        MessageConsumer a = s1.createConsumer(q);
        MessageConsumer b = s2.createConsumer(q);
        awaitGroupStable("jms.q." + name); // both members have their partition
        MessageProducer p = s1.createProducer(q);
        for (int i = 0; i < 40; i++) {
            TextMessage m = s1.createTextMessage("w" + i);
            m.setStringProperty("JMSXGroupID", "k" + (i % 8));
            p.send(m);
        }
        List<String> gotA = new ArrayList<>();
        List<String> gotB = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 15_000;
        while (gotA.size() + gotB.size() < 40 && System.currentTimeMillis() < deadline) {
            Message m = a.receive(50);
            if (m != null) {
                gotA.add(((TextMessage) m).getText());
            }
            m = b.receive(50);
            if (m != null) {
                gotB.add(((TextMessage) m).getText());
            }
        }
        Set<String> all = new HashSet<>(gotA);
        all.addAll(gotB);
        assertThat(gotA.size() + gotB.size()).isEqualTo(40);
        assertThat(all).hasSize(40);
        assertThat(gotA).isNotEmpty();
        assertThat(gotB).isNotEmpty();
    }

    @Test
    void extraConsumersStandByAndTakeOverWhenTheActiveOneCloses() throws Exception {
        // Standby members exist only in the consumer-group mapping (brokers without share groups).
        Connection c = track(factory("queueMode=group").createConnection(), true);
        Session s1 = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Session s2 = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s1.createQueue(unique("standby")); // one partition
        MessageProducer p = s1.createProducer(q);
        for (int i = 0; i < 6; i++) {
            p.send(s1.createTextMessage("x" + i));
        }
        MessageConsumer a = s1.createConsumer(q);
        MessageConsumer b = s2.createConsumer(q);
        // Whoever owns the partition gets x0; the other one stands by.
        MessageConsumer active = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (active == null && System.currentTimeMillis() < deadline) {
            if (a.receive(50) != null) {
                active = a;
            } else if (b.receive(50) != null) {
                active = b;
            }
        }
        assertThat(active).as("one consumer got x0").isNotNull();
        MessageConsumer standby = active == a ? b : a;
        Session activeSession = active == a ? s1 : s2;
        assertThat(standby.receive(300)).as("the standby owns no partition").isNull();
        // x0 was delivered, not acknowledged; acknowledge x1 (and x0) through the next delivery.
        Message x1 = active.receive(5000);
        x1.acknowledge();
        active.receive(5000); // x2: delivered, never acknowledged
        active.close();
        List<String> rest = new ArrayList<>();
        rest.add(((TextMessage) standby.receive(15_000)).getText());
        rest.addAll(drain(standby, 500));
        assertThat(rest).containsExactly("x2", "x3", "x4", "x5");
        assertThat(activeSession.getAcknowledgeMode()).isEqualTo(Session.CLIENT_ACKNOWLEDGE);
    }

    @Test
    void browserShowsWhatIsLeftAndConsumesNothing() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("browse"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 4; i++) {
            TextMessage m = s.createTextMessage("b" + i);
            m.setIntProperty("n", i);
            p.send(m);
        }
        MessageConsumer consumer = s.createConsumer(q);
        consumer.receive(10_000).acknowledge(); // b0 acknowledged
        consumer.close();
        QueueBrowser browser = s.createBrowser(q);
        List<String> seen = new ArrayList<>();
        for (Object o : Collections.list(browser.getEnumeration())) {
            seen.add(((TextMessage) o).getText());
        }
        assertThat(seen).containsExactly("b1", "b2", "b3");
        QueueBrowser selective = s.createBrowser(q, "n >= 2");
        assertThat(Collections.list(selective.getEnumeration())).hasSize(2);
        assertThat(Collections.list(browser.getEnumeration())).as("browsing twice").hasSize(3);
        browser.close();
        MessageConsumer again = s.createConsumer(q);
        assertThat(((TextMessage) again.receive(10_000)).getText()).isEqualTo("b1");
    }

    @Test
    void queueSelectorOnlyDeliversMatchingMessages() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("selq"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 6; i++) {
            TextMessage m = s.createTextMessage("s" + i);
            m.setStringProperty("parity", i % 2 == 0 ? "even" : "odd");
            p.send(m);
        }
        MessageConsumer even = s.createConsumer(q, "parity = 'even'");
        List<String> got = new ArrayList<>();
        got.add(((TextMessage) even.receive(10_000)).getText());
        got.addAll(drain(even, 300));
        assertThat(got).containsExactly("s0", "s2", "s4");
    }
}
