package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.jms.BrokerSupport;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * AUTO_ACKNOWLEDGE on consumer groups (durable and shared durable subscriptions) without a round trip per message
 * (the default, Artemis' {@code blockOnAcknowledge=false}) and with {@code blockOnAcknowledge=true}: what a clean
 * close, a crash and a rebalance deliver again. Real sockets on the embedded broker.
 */
class AutoAcknowledgeTest extends BrokerSupport {

    private Connection client(String clientId, String extra) throws JMSException {
        Connection c = track(factory(extra).createConnection(), false);
        c.setClientID(clientId);
        c.start();
        return c;
    }

    private static void publish(Session s, Topic t, int from, int to) throws JMSException {
        MessageProducer p = s.createProducer(t);
        for (int i = from; i < to; i++) {
            p.send(s.createTextMessage("m" + i));
        }
        p.close();
    }

    private static String text(MessageConsumer c) throws JMSException {
        TextMessage m = (TextMessage) c.receive(10_000);
        assertThat(m).as("a message within 10 s").isNotNull();
        return m.getText();
    }

    /** Receives until nothing comes for {@code quietMs}. */
    private static List<String> drain(MessageConsumer c, long quietMs) throws JMSException {
        List<String> out = new ArrayList<>();
        for (TextMessage m; (m = (TextMessage) c.receive(quietMs)) != null; ) {
            out.add(m.getText());
        }
        return out;
    }

    private static StreamBusClient admin() {
        return StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port));
    }

    /** The committed next offset of the group's partition 0 (-1 when none). */
    private static long committed(StreamBusClient raw, String group, String topic) throws Exception {
        var offsets = raw.admin().committedOffsets(group, List.of()).get(5, TimeUnit.SECONDS);
        var om = offsets.get(new TopicPartition(topic, 0));
        return om == null ? -1 : om.offset();
    }

    @Test
    void aCleanCloseLosesNothingAndDeliversNothingAgain() throws Exception {
        Connection c = client("auto-clean", "");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("auto-clean"));
        MessageConsumer sub = s.createDurableConsumer(t, "sub");
        publish(s, t, 0, 200);
        for (int i = 0; i < 200; i++) {
            assertThat(text(sub)).isEqualTo("m" + i);
        }
        sub.close();
        try (StreamBusClient raw = admin()) {
            assertThat(committed(raw, "jms.d.auto-clean.sub", t.getTopicName()))
                    .as("close commits what was consumed and waits").isEqualTo(200);
        }
        publish(s, t, 200, 205);
        MessageConsumer again = s.createDurableConsumer(t, "sub");
        assertThat(drain(again, 500)).containsExactly("m200", "m201", "m202", "m203", "m204");
        again.close();
        s.unsubscribe("sub");
    }

    @Test
    void positionsAreCommittedWithoutACloseAndACrashDeliversAgainOnlyWhatWasNotCommitted() throws Exception {
        Connection c = client("auto-crash", "");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("auto-crash"));
        String group = "jms.d.auto-crash.sub";
        MessageConsumer sub = s.createDurableConsumer(t, "sub");
        publish(s, t, 0, 40);
        try (StreamBusClient raw = admin()) {
            for (int i = 0; i < 20; i++) {
                assertThat(text(sub)).isEqualTo("m" + i);
            }
            // No further receive and no close: the fetcher commits the acknowledged position by itself.
            Awaitility.await("acknowledged position committed").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20)).until(() -> committed(raw, group, t.getTopicName()) == 20);
            for (int i = 20; i < 40; i++) {
                assertThat(text(sub)).isEqualTo("m" + i);
            }
            // Crash: the client's sockets go away before the consumer can commit at close.
            ((JmsConnection) c).transport().close(Duration.ZERO);
            c.close();
            long afterCrash = committed(raw, group, t.getTopicName());
            assertThat(afterCrash).isBetween(20L, 40L);

            Connection fresh = client("auto-crash", "");
            Session s2 = fresh.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer resumed = s2.createDurableConsumer(t, "sub");
            List<String> expected = new ArrayList<>();
            for (long i = afterCrash; i < 40; i++) {
                expected.add("m" + i);
            }
            // Exactly the messages whose commit had not landed (at most the 20 after the last confirmed commit).
            assertThat(drain(resumed, 1_000)).containsExactlyElementsOf(expected);
            // (No unsubscribe: the crashed member stays in the group until its session times out.)
        }
    }

    @Test
    void blockOnAcknowledgeCommitsBeforeReceiveReturns() throws Exception {
        Connection c = client("auto-block", "blockOnAcknowledge=true");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("auto-block"));
        MessageConsumer sub = s.createDurableConsumer(t, "sub");
        publish(s, t, 0, 5);
        try (StreamBusClient raw = admin()) {
            for (int i = 0; i < 5; i++) {
                assertThat(text(sub)).isEqualTo("m" + i);
                assertThat(committed(raw, "jms.d.auto-block.sub", t.getTopicName())).isEqualTo(i + 1);
            }
        }
        sub.close();
        s.unsubscribe("sub");
    }

    @Test
    void aRebalanceCommitsBeforeGivingPartitionsUp() throws Exception {
        String topic = unique("auto-rebalance");
        try (StreamBusClient raw = admin()) {
            raw.admin().createTopic(topic, 2).get(5, TimeUnit.SECONDS);
        }
        Connection c1 = connect(); // no client id: both connections share the subscription
        Connection c2 = connect();
        Session s1 = c1.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = c2.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s1.createTopic(topic);
        MessageConsumer a = s1.createSharedDurableConsumer(t, "workers");
        MessageProducer p = s1.createProducer(t);
        int n = 200;
        for (int i = 0; i < n; i++) {
            TextMessage m = s1.createTextMessage("m" + i);
            m.setStringProperty("JMSXGroupID", "g" + i); // spread over both partitions
            p.send(m);
        }
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n / 2; i++) {
            got.add(text(a));
        }
        // A second member: a's partitions are revoked (its acknowledged positions committed first) and reassigned.
        MessageConsumer b = s2.createSharedDurableConsumer(t, "workers");
        long deadline = System.currentTimeMillis() + 20_000;
        while (got.size() < n && System.currentTimeMillis() < deadline) {
            for (MessageConsumer x : List.of(a, b)) {
                TextMessage m = (TextMessage) x.receive(20);
                if (m != null) {
                    got.add(m.getText());
                }
            }
        }
        got.addAll(drain(a, 300));
        got.addAll(drain(b, 300));
        Set<String> distinct = new HashSet<>(got);
        assertThat(distinct).as("nothing lost").hasSize(n);
        assertThat(got).as("nothing delivered twice").hasSize(n);
        a.close();
        b.close();
        s1.unsubscribe("workers");
    }
}
