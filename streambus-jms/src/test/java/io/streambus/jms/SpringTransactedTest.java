package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring's local JMS transactions on StreamBus's atomic transacted sessions: a DefaultMessageListenerContainer with
 * {@code sessionTransacted} whose listener forwards from a queue to a topic and fails once (the container rolls back:
 * the forwarded message is discarded, the queue redelivers), and JmsTemplate sends inside a JmsTransactionManager
 * transaction that rolls back or commits.
 */
class SpringTransactedTest extends BrokerSupport {

    @Test
    void aTransactedListenerContainerForwardsEachMessageOnceThroughARollback() throws Exception {
        String queue = unique("spring-tx-in");
        String topic = unique("spring-tx-out");
        Connection c = connect();
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer reader = plain.createConsumer(plain.createTopic(topic));
        AtomicInteger calls = new AtomicInteger();
        List<String> seen = new CopyOnWriteArrayList<>();
        DefaultMessageListenerContainer container = new DefaultMessageListenerContainer();
        container.setConnectionFactory(factory());
        container.setDestinationName(queue);
        container.setSessionTransacted(true);
        container.setReceiveTimeout(100);
        container.setMessageListener((SessionAwareMessageListener<Message>) (m, session) -> {
            String text = ((TextMessage) m).getText();
            seen.add(text + "/" + m.getJMSRedelivered() + "/" + m.getIntProperty("JMSXDeliveryCount"));
            session.createProducer(session.createTopic(topic)).send(session.createTextMessage("out-" + text));
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails after its send");
            }
        });
        container.afterPropertiesSet();
        container.start();
        try {
            plain.createProducer(plain.createQueue(queue)).send(plain.createTextMessage("a"));
            assertThat(((TextMessage) reader.receive(10_000)).getText()).isEqualTo("out-a");
            assertThat(reader.receive(500)).as("the rolled back send never shows").isNull();
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
            assertThat(seen).containsExactly("a/false/1", "a/true/2");
        } finally {
            container.stop();
            container.destroy();
        }
    }

    @Test
    void jmsTemplateSendsCommitOrRollBackWithTheSpringTransaction() throws Exception {
        StreamBusConnectionFactory factory = factory();
        JmsTransactionManager tm = new JmsTransactionManager(factory);
        JmsTemplate template = new JmsTemplate(factory);
        template.setSessionTransacted(true);
        String topic = unique("spring-tx-template");
        Connection c = connect();
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer reader = plain.createConsumer(plain.createTopic(topic));
        template.setPubSubDomain(true);
        TransactionTemplate tx = new TransactionTemplate(tm);
        tx.executeWithoutResult(status -> {
            template.convertAndSend(topic, "discarded");
            status.setRollbackOnly();
        });
        tx.executeWithoutResult(status -> template.convertAndSend(topic, "kept"));
        assertThat(((TextMessage) reader.receive(5000)).getText()).isEqualTo("kept");
        assertThat(reader.receive(300)).isNull();
    }
}
