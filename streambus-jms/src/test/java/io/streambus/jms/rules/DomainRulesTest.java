package io.streambus.jms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.BrokerSupport;
import jakarta.jms.IllegalStateException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import org.junit.jupiter.api.Test;

/**
 * The classic domain-specific interfaces (API Javadoc of {@code QueueSession}, {@code TopicSession},
 * {@code QueueConnectionFactory}, {@code TopicConnectionFactory}): what each must refuse, with which exception, and
 * that the domain objects work.
 */
class DomainRulesTest extends BrokerSupport {

    private QueueSession queueSession() throws Exception {
        QueueConnection c = factory().createQueueConnection();
        track(c, true);
        return c.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private TopicSession topicSession(String clientId) throws Exception {
        TopicConnection c = clientId == null ? factory().createTopicConnection()
                : factory("clientID=" + clientId).createTopicConnection();
        track(c, true);
        return c.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Test
    void queueSessionRefusesThePublishSubscribeMethods() throws Exception {
        QueueSession qs = queueSession();
        Topic t = connect().createSession().createTopic(unique("domain-t"));
        assertThatThrownBy(() -> qs.createTopic("t")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(qs::createTemporaryTopic).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> qs.createDurableSubscriber(t, "s")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> qs.createDurableSubscriber(t, "s", null, false))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> qs.createDurableConsumer(t, "s")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> qs.createSharedConsumer(t, "s")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> qs.createSharedDurableConsumer(t, "s")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> qs.unsubscribe("s")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void topicSessionRefusesThePointToPointMethods() throws Exception {
        TopicSession ts = topicSession(null);
        Queue q = connect().createSession().createQueue(unique("domain-q"));
        assertThatThrownBy(() -> ts.createQueue("q")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ts::createTemporaryQueue).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ts.createBrowser(q)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ts.createBrowser(q, "a = 1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void queueSenderAndReceiverExchangeMessages() throws Exception {
        QueueSession qs = queueSession();
        Queue q = qs.createQueue(unique("domain-pp"));
        QueueSender sender = qs.createSender(q);
        QueueReceiver receiver = qs.createReceiver(q);
        assertThat(sender.getQueue()).isEqualTo(q);
        assertThat(receiver.getQueue()).isEqualTo(q);
        sender.send(qs.createTextMessage("hello"));
        assertThat(((TextMessage) receiver.receive(10_000)).getText()).isEqualTo("hello");
        assertThat(qs.createTemporaryQueue()).isNotNull();
    }

    @Test
    void topicPublisherAndSubscribersIncludingDurable() throws Exception {
        TopicSession ts = topicSession(unique("domain-cid"));
        Topic t = ts.createTopic(unique("domain-ps"));
        TopicSubscriber plain = ts.createSubscriber(t);
        TopicSubscriber durable = ts.createDurableSubscriber(t, "d");
        TopicPublisher publisher = ts.createPublisher(t);
        assertThat(publisher.getTopic()).isEqualTo(t);
        assertThat(plain.getTopic()).isEqualTo(t);
        assertThat(plain.getNoLocal()).isFalse();
        publisher.publish(ts.createTextMessage("news"));
        assertThat(((TextMessage) plain.receive(10_000)).getText()).isEqualTo("news");
        assertThat(((TextMessage) durable.receive(10_000)).getText()).isEqualTo("news");
        durable.close();
        ts.unsubscribe("d");
        assertThat(ts.createTemporaryTopic()).isNotNull();
    }

    @Test
    void aUnifiedSessionRefusesNothing() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThat(s.createQueue(unique("u-q"))).isNotNull();
        assertThat(s.createTopic(unique("u-t"))).isNotNull();
        assertThat(s.createBrowser(s.createQueue(unique("u-b")))).isNotNull();
        // The unified session also is a QueueSession and a TopicSession (one class, as in most providers).
        assertThat(s).isInstanceOf(QueueSession.class).isInstanceOf(TopicSession.class);
    }

    @Test
    void aQueueBrowserShowsWithoutConsumingAndKeepsItsQueueAndSelector() throws Exception {
        QueueSession qs = queueSession();
        Queue q = qs.createQueue(unique("browse"));
        QueueSender sender = qs.createSender(q);
        for (String color : new String[] {"red", "blue", "red"}) {
            TextMessage m = qs.createTextMessage(color);
            m.setStringProperty("color", color);
            sender.send(m);
        }
        jakarta.jms.QueueBrowser b = qs.createBrowser(q, "color = 'red'");
        assertThat(b.getQueue()).isEqualTo(q);
        assertThat(b.getMessageSelector()).isEqualTo("color = 'red'");
        java.util.List<String> seen = new java.util.ArrayList<>();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            seen.clear();
            java.util.Enumeration<?> e = b.getEnumeration();
            while (e.hasMoreElements()) {
                seen.add(((TextMessage) e.nextElement()).getText());
            }
            return seen.size() == 2;
        });
        assertThat(seen).containsExactly("red", "red");
        b.close();
        // Browsing consumed nothing.
        QueueReceiver r = qs.createReceiver(q);
        for (int i = 0; i < 3; i++) {
            assertThat(r.receive(10_000)).isNotNull();
        }
    }

    @Test
    void queueRequestorAndTopicRequestorGetTheirReplies() throws Exception {
        QueueSession replierSession = queueSession();
        Queue service = replierSession.createQueue(unique("requestor-q"));
        jakarta.jms.MessageProducer replies = replierSession.createProducer(null);
        replierSession.createReceiver(service).setMessageListener(m -> {
            try {
                replies.send(m.getJMSReplyTo(), replierSession.createTextMessage("re: " + ((TextMessage) m).getText()));
            } catch (jakarta.jms.JMSException e) {
                throw new RuntimeException(e);
            }
        });
        QueueSession qs = queueSession();
        jakarta.jms.QueueRequestor qr = new jakarta.jms.QueueRequestor(qs, service);
        // request() blocks without a timeout: bounded here so that a lost reply fails instead of hanging.
        jakarta.jms.Message qReply = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(20), () -> qr.request(qs.createTextMessage("ping")));
        assertThat(((TextMessage) qReply).getText()).isEqualTo("re: ping");

        TopicSession replierTopics = topicSession(null);
        Topic topicService = replierTopics.createTopic(unique("requestor-t"));
        jakarta.jms.MessageProducer topicReplies = replierTopics.createProducer(null);
        replierTopics.createSubscriber(topicService).setMessageListener(m -> {
            try {
                topicReplies.send(m.getJMSReplyTo(), replierTopics.createTextMessage("re: "
                        + ((TextMessage) m).getText()));
            } catch (jakarta.jms.JMSException e) {
                throw new RuntimeException(e);
            }
        });
        TopicSession ts = topicSession(null);
        jakarta.jms.TopicRequestor tr = new jakarta.jms.TopicRequestor(ts, topicService);
        jakarta.jms.Message tReply = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(20), () -> tr.request(ts.createTextMessage("news?")));
        assertThat(((TextMessage) tReply).getText()).isEqualTo("re: news?");
    }
}
