package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Acknowledgement modes, recover and transactions on temporary queues, whose acknowledged positions outlive a
 * consumer (so "was it acknowledged?" is observable by the next consumer) and on topic subscribers.
 */
class AcknowledgementTest extends BrokerSupport {

    private static List<String> texts(MessageConsumer c, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TextMessage m = (TextMessage) c.receive(5000);
            assertThat(m).as("message %d of %d", i + 1, n).isNotNull();
            out.add(m.getText());
        }
        return out;
    }

    private static void send(Session s, Destination d, String... texts) throws Exception {
        MessageProducer p = s.createProducer(d);
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
        p.close();
    }

    @Test
    void autoAcknowledgeCommitsEachReceive() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Destination q = s.createTemporaryQueue();
        send(s, q, "a", "b", "c");
        MessageConsumer first = s.createConsumer(q);
        assertThat(texts(first, 2)).containsExactly("a", "b");
        first.close();
        MessageConsumer next = s.createConsumer(q);
        assertThat(texts(next, 1)).containsExactly("c");
        assertThat(next.receive(200)).isNull();
    }

    @Test
    void clientAcknowledgeCoversEverythingDeliveredAndUnacknowledgedIsRedelivered() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        assertThat(s.getAcknowledgeMode()).isEqualTo(Session.CLIENT_ACKNOWLEDGE);
        Destination q = s.createTemporaryQueue();
        send(s, q, "a", "b", "c", "d");
        MessageConsumer first = s.createConsumer(q);
        Message a = first.receive(5000);
        first.receive(5000);
        a.acknowledge(); // acknowledges a and b: everything the session consumed
        first.receive(5000); // c: delivered, never acknowledged
        first.close();
        MessageConsumer next = s.createConsumer(q);
        TextMessage again = (TextMessage) next.receive(5000);
        assertThat(again.getText()).isEqualTo("c");
        assertThat(texts(next, 1)).containsExactly("d");
    }

    @Test
    void recoverRedeliversWithRedeliveredFlagAndDeliveryCount() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Destination q = s.createTemporaryQueue();
        send(s, q, "a", "b", "c");
        MessageConsumer consumer = s.createConsumer(q);
        assertThat(consumer.receive(5000).getJMSRedelivered()).isFalse();
        consumer.receive(5000).acknowledge();
        consumer.receive(5000); // c
        s.recover();
        TextMessage c2 = (TextMessage) consumer.receive(5000);
        assertThat(c2.getText()).isEqualTo("c");
        assertThat(c2.getJMSRedelivered()).isTrue();
        assertThat(c2.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        s.recover();
        TextMessage c3 = (TextMessage) consumer.receive(5000);
        assertThat(c3.getIntProperty("JMSXDeliveryCount")).isEqualTo(3);
        c3.acknowledge();
        s.recover();
        assertThat(consumer.receive(200)).isNull();
    }

    @Test
    void recoverOnATopicSubscriberRewindsToTheLastAcknowledgement() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Destination t = s.createTopic(unique("recover"));
        MessageConsumer consumer = s.createConsumer(t);
        send(s, t, "x", "y");
        assertThat(texts(consumer, 2)).containsExactly("x", "y");
        s.recover();
        List<Message> again = List.of(consumer.receive(5000), consumer.receive(5000));
        assertThat(again).allSatisfy(m -> assertThat(m.getJMSRedelivered()).isTrue());
    }

    @Test
    void dupsOkAcknowledgesLazily() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        assertThat(s.getAcknowledgeMode()).isEqualTo(Session.DUPS_OK_ACKNOWLEDGE);
        Destination q = s.createTemporaryQueue();
        send(s, q, "1", "2", "3");
        MessageConsumer first = s.createConsumer(q);
        assertThat(texts(first, 3)).containsExactly("1", "2", "3");
        first.close(); // flushes the batch
        MessageConsumer next = s.createConsumer(q);
        assertThat(next.receive(300)).isNull();
    }

    @Test
    void transactedSendsAreInvisibleUntilCommitAndRollbackRedelivers() throws Exception {
        Connection c = connect();
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        assertThat(tx.getTransacted()).isTrue();
        assertThat(tx.getAcknowledgeMode()).isEqualTo(Session.SESSION_TRANSACTED);
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Destination q = plain.createTemporaryQueue();
        Destination out = plain.createTopic(unique("tx-out"));
        // Sends of an open transaction are on the broker, invisible to read_committed consumers until it commits.
        Connection committed = track(factory("isolation.level=read_committed").createConnection(), true);
        MessageConsumer outReader = committed.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(out);
        send(plain, q, "in1", "in2");

        MessageConsumer in = tx.createConsumer(q);
        MessageProducer producer = tx.createProducer(out);
        assertThat(((TextMessage) in.receive(5000)).getText()).isEqualTo("in1");
        TextMessage held = tx.createTextMessage("out1");
        producer.send(held);
        assertThat(outReader.receive(300)).as("invisible until commit").isNull();
        tx.rollback();
        TextMessage redelivered = (TextMessage) in.receive(5000);
        assertThat(redelivered.getText()).isEqualTo("in1");
        assertThat(redelivered.getJMSRedelivered()).isTrue();
        producer.send(tx.createTextMessage("out2"));
        tx.commit();
        assertThat(((TextMessage) outReader.receive(5000)).getText()).isEqualTo("out2");
        assertThat(outReader.receive(200)).as("the rolled back send is gone").isNull();

        // Committed: a new consumer continues after in1.
        in.close();
        MessageConsumer again = tx.createConsumer(q);
        assertThat(((TextMessage) again.receive(5000)).getText()).isEqualTo("in2");
        tx.rollback();
        assertThatThrownBy(tx::recover).isInstanceOf(jakarta.jms.IllegalStateException.class);
        assertThatThrownBy(plain::commit).isInstanceOf(jakarta.jms.IllegalStateException.class);
        assertThatThrownBy(plain::rollback).isInstanceOf(jakarta.jms.IllegalStateException.class);
    }

    @Test
    void aTransactedSendHasItsMessageIdWhenSendReturnsAndTheReceiverSeesIt() throws Exception {
        Connection c = connect();
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Topic topic = tx.createTopic(unique("tx-ids"));
        MessageConsumer consumer = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(topic);
        MessageProducer p = tx.createProducer(topic);
        TextMessage m = tx.createTextMessage("x");
        p.send(m);
        String id = m.getJMSMessageID();
        assertThat(id).startsWith("ID:");
        tx.commit();
        assertThat(m.getJMSMessageID()).isEqualTo(id);
        assertThat(consumer.receive(5000).getJMSMessageID()).isEqualTo(id);
    }

    @Test
    void listenerThatThrowsInAutoModeGetsTheMessageAgain() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Destination t = s.createTopic(unique("throwing"));
        MessageConsumer consumer = s.createConsumer(t);
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2);
        consumer.setMessageListener(m -> {
            try {
                seen.add(((TextMessage) m).getText() + ":" + m.getJMSRedelivered() + ":"
                        + m.getIntProperty("JMSXDeliveryCount"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            done.countDown();
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first delivery fails on purpose");
            }
        });
        send(s, t, "boom");
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly("boom:false:1", "boom:true:2");
    }
}
