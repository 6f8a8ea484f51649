package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Durable and shared subscriptions: consumer groups with committed offsets whose metadata describes the
 * subscription; across a broker restart; changed subscriptions recreated; unsubscribe without opening.
 */
class DurableSubscriptionTest extends BrokerSupport {

    private Connection client(String clientId) throws Exception {
        Connection c = track(factory().createConnection(), false);
        c.setClientID(clientId);
        c.start();
        return c;
    }

    private static void publish(Session s, Topic t, String... texts) throws Exception {
        MessageProducer p = s.createProducer(t);
        for (String x : texts) {
            p.send(s.createTextMessage(x));
        }
        p.close();
    }

    private static String text(MessageConsumer c) throws Exception {
        TextMessage m = (TextMessage) c.receive(10_000);
        assertThat(m).isNotNull();
        return m.getText();
    }

    @Test
    void durableSubscriptionKeepsMessagesWhileOfflineAndAcrossABrokerRestart() throws Exception {
        Connection c = client("durable-app");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("news"));
        publish(s, t, "before-subscription");
        MessageConsumer sub = s.createDurableConsumer(t, "reader");
        publish(s, t, "one");
        assertThat(text(sub)).isEqualTo("one");
        assertThatThrownBy(() -> s.createDurableConsumer(t, "reader")).isInstanceOf(IllegalStateException.class);
        sub.close();
        publish(s, t, "while-offline-1", "while-offline-2");
        c.close();

        broker.stop();
        broker.start();

        Connection again = client("durable-app");
        Session s2 = again.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer resumed = s2.createDurableConsumer(t, "reader");
        assertThat(text(resumed)).isEqualTo("while-offline-1");
        assertThat(text(resumed)).isEqualTo("while-offline-2");
        assertThat(resumed.receive(300)).isNull();
        assertThatThrownBy(() -> s2.unsubscribe("reader")).isInstanceOf(IllegalStateException.class);
        resumed.close();
        s2.unsubscribe("reader");
        assertThatThrownBy(() -> s2.unsubscribe("reader")).isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void unsubscribeWorksWithoutOpeningTheSubscriptionAndMetadataDescribesIt() throws Exception {
        Connection c = client("durable-meta");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("meta"));
        s.createDurableConsumer(t, "sub", "x > 1", true).close();
        String group = "jms.d.durable-meta.sub";
        try (StreamBusClient raw = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port))) {
            var offsets = raw.admin().committedOffsets(group, List.of()).get();
            assertThat(offsets).isNotEmpty();
            assertThat(offsets.values().iterator().next().metadata())
                    .contains("topic=" + t.getTopicName()).contains("noLocal=true").contains("selector=x+%3E+1");
            c.close();
            Connection fresh = client("durable-meta");
            fresh.createSession(false, Session.AUTO_ACKNOWLEDGE).unsubscribe("sub");
            assertThat(raw.admin().committedOffsets(group, List.of()).get()).isEmpty();
        }
    }

    @Test
    void aChangedSubscriptionIsRecreated() throws Exception {
        Connection c = client("durable-change");
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("change"));
        s.createDurableConsumer(t, "sub").close();
        publish(s, t, "kept-for-the-old-subscription");
        // Same name, new selector: the old subscription (and its pending message) is gone.
        MessageConsumer changed = s.createDurableConsumer(t, "sub", "color = 'red'", false);
        TextMessage red = s.createTextMessage("red");
        red.setStringProperty("color", "red");
        s.createProducer(t).send(red);
        assertThat(text(changed)).isEqualTo("red");
        assertThat(changed.receive(300)).isNull();
        changed.close();
        s.unsubscribe("sub");
    }

    @Test
    void unsharedDurableNeedsAClientId() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> s.createDurableConsumer(s.createTopic("x"), "n"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("client id");
    }

    @Test
    void sharedSubscriptionsSplitMessagesBetweenConsumers() throws Exception {
        String topic = unique("shared");
        try (StreamBusClient raw = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port))) {
            raw.admin().createTopic(topic, 2).get();
        }
        Connection c1 = connect();
        Connection c2 = connect();
        Session s1 = c1.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = c2.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s1.createTopic(topic);
        MessageConsumer a = s1.createSharedDurableConsumer(t, "workers");
        MessageConsumer b = s2.createSharedDurableConsumer(t, "workers");
        MessageConsumer plain = s1.createSharedConsumer(t, "others");
        awaitGroupStable("jms.sd..workers"); // a and b both have their partition
        MessageProducer p = s1.createProducer(t);
        for (int i = 0; i < 20; i++) {
            TextMessage m = s1.createTextMessage("m" + i);
            m.setStringProperty("JMSXGroupID", "g" + i);
            p.send(m);
        }
        int na = 0;
        int nb = 0;
        int nPlain = 0;
        long deadline = System.currentTimeMillis() + 15_000;
        while ((na + nb < 20 || nPlain < 20) && System.currentTimeMillis() < deadline) {
            na += a.receive(20) != null ? 1 : 0;
            nb += b.receive(20) != null ? 1 : 0;
            nPlain += plain.receive(20) != null ? 1 : 0;
        }
        assertThat(na + nb).isEqualTo(20);
        assertThat(na).isPositive();
        assertThat(nb).isPositive();
        assertThat(nPlain).as("another subscription gets every message").isEqualTo(20);
        a.close();
        b.close();
        s1.unsubscribe("workers");
    }
}
