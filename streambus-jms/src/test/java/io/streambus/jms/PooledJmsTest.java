package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.JMSContext;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/** messaginghub pooled-jms wrapping the StreamBus ConnectionFactory. */
class PooledJmsTest extends BrokerSupport {

    @Test
    void pooledSessionsAndAnonymousProducersAcrossManyCycles() throws Exception {
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(factory());
        pool.setMaxConnections(1);
        try {
            JmsTemplate template = new JmsTemplate(pool);
            template.setReceiveTimeout(5000);
            String queue = unique("pooled");
            for (int i = 0; i < 20; i++) {
                template.convertAndSend(queue, "p" + i);
            }
            for (int i = 0; i < 20; i++) {
                assertThat(template.receiveAndConvert(queue)).isEqualTo("p" + i);
            }
            // JMS 2 features through the pool (it checks the provider's major version).
            try (JMSContext ctx = pool.createContext()) {
                Topic t = ctx.createTopic(unique("pooled-ctx"));
                var consumer = ctx.createConsumer(t);
                ctx.createProducer().send(t, "ctx");
                // pooled-jms' own JMSConsumer wrapper does not offer receiveBody; receive + getBody instead.
                assertThat(consumer.receive(5000).getBody(String.class)).isEqualTo("ctx");
            }
        } finally {
            pool.stop();
        }
    }

    @Test
    void clientIdThroughThePoolAndTransactedSessionsAreRolledBackOnReturn() throws Exception {
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(factory());
        try {
            Connection c = pool.createConnection();
            c.setClientID("pooled-client");
            c.start();
            Topic t;
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            t = s.createTopic(unique("pooled-tx"));
            Session reader = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = reader.createConsumer(t);
            MessageProducer p = s.createProducer(t);
            p.send(s.createTextMessage("uncommitted"));
            s.close(); // back to the pool: rolled back
            Session again = c.createSession(true, Session.SESSION_TRANSACTED);
            again.createProducer(t).send(again.createTextMessage("committed"));
            again.commit();
            assertThat(((TextMessage) consumer.receive(5000)).getText()).isEqualTo("committed");
            assertThat(consumer.receive(200)).isNull();
            c.close();
        } finally {
            pool.stop();
        }
    }
}
