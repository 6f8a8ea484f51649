package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.jms.BrokerSupport;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

/**
 * {@link JmsMessageConsumer#awaitDeliverable}, the resource adapter's hook: it waits for a message without taking
 * it, and answers false when none comes, while the connection is stopped, and once the consumer is closed.
 */
class AwaitDeliverableTest extends BrokerSupport {

    @Test
    void waitsForAMessageWithoutTakingIt() throws Exception {
        Connection c = track(factory().createConnection(), false);
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("await"));
        JmsMessageConsumer consumer = (JmsMessageConsumer) s.createConsumer(q);
        s.createProducer(q).send(s.createTextMessage("one"));

        assertThat(consumer.awaitDeliverable(300)).as("connection not started").isFalse();
        c.start();
        assertThat(consumer.awaitDeliverable(10_000)).isTrue();
        assertThat(consumer.awaitDeliverable(0)).as("still there: not taken").isTrue();
        Message m = consumer.receiveNoWait();
        assertThat(((TextMessage) m).getText()).isEqualTo("one");
        m.acknowledge();
        assertThat(consumer.awaitDeliverable(200)).as("nothing more").isFalse();
        consumer.close();
        assertThat(consumer.awaitDeliverable(10_000)).as("closed: at once").isFalse();
    }
}
