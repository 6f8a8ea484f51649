package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Topics with non-durable subscribers, temporary queues and request-reply, over a real embedded broker. */
class TopicAndTemporaryTest extends BrokerSupport {

    @Test
    void nonDurableSubscribersSeeOnlyWhatIsSentAfterThem() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = s.createTopic(unique("prices"));
        MessageProducer p = s.createProducer(topic);
        p.send(s.createTextMessage("before"));
        MessageConsumer a = s.createConsumer(topic);
        MessageConsumer b = s.createConsumer(topic);
        TextMessage sent = s.createTextMessage("after");
        p.send(sent);
        assertThat(sent.getJMSMessageID()).startsWith("ID:");
        for (MessageConsumer mc : List.of(a, b)) {
            TextMessage m = (TextMessage) mc.receive(5000);
            assertThat(m.getText()).isEqualTo("after");
            assertThat(m.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
            assertThat(m.getJMSDestination()).isEqualTo(topic);
            assertThat(m.getJMSRedelivered()).isFalse();
            assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
            assertThat(mc.receiveNoWait()).isNull();
        }
    }

    @Test
    void temporaryQueueRequestReply() throws Exception {
        Connection requester = connect();
        Connection replier = connect();
        Session rs = requester.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session ss = replier.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic service = rs.createTopic(unique("service"));
        MessageConsumer server = ss.createConsumer(service);
        TemporaryQueue replies = rs.createTemporaryQueue();
        MessageConsumer replyConsumer = rs.createConsumer(replies);
        TextMessage request = rs.createTextMessage("ping");
        request.setJMSReplyTo(replies);
        request.setJMSCorrelationID("c-42");
        rs.createProducer(service).send(request);

        Message got = server.receive(5000);
        assertThat(got.getJMSReplyTo()).isEqualTo(replies);
        MessageProducer anon = ss.createProducer(null);
        TextMessage reply = ss.createTextMessage("pong");
        reply.setJMSCorrelationID(got.getJMSCorrelationID());
        anon.send(got.getJMSReplyTo(), reply);
        long checkedBy = System.nanoTime(); // the existence check of the reply destination was cached before this

        TextMessage answer = (TextMessage) replyConsumer.receive(5000);
        assertThat(answer.getText()).isEqualTo("pong");
        assertThat(answer.getJMSCorrelationID()).isEqualTo("c-42");

        // Only the creating connection may consume it; deleting needs its consumers closed.
        assertThatThrownBy(() -> ss.createConsumer(got.getJMSReplyTo()))
                .isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(replies::delete).isInstanceOf(jakarta.jms.IllegalStateException.class);
        replyConsumer.close();
        replies.delete();
        // Existence checks of foreign temporary destinations are cached for a second. Sending earlier would let the
        // broker's auto-create bring the topic back, so wait for the cache entry to age out, not for a send to fail.
        await("existence check cache expired").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> System.nanoTime() - checkedBy > TimeUnit.MILLISECONDS.toNanos(1050));
        assertThatThrownBy(() -> anon.send(got.getJMSReplyTo(), ss.createTextMessage("late")))
                .isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void temporaryQueueKeepsMessagesForTheNextConsumer() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue q = s.createTemporaryQueue();
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 4; i++) {
            p.send(s.createTextMessage("m" + i));
        }
        MessageConsumer first = s.createConsumer(q);
        assertThat(((TextMessage) first.receive(5000)).getText()).isEqualTo("m0");
        assertThat(((TextMessage) first.receive(5000)).getText()).isEqualTo("m1");
        first.close();
        MessageConsumer second = s.createConsumer(q);
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            rest.add(((TextMessage) second.receive(5000)).getText());
        }
        assertThat(rest).containsExactly("m2", "m3");
    }
}
