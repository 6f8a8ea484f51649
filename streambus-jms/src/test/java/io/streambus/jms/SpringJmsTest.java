package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;

/** Spring JMS on StreamBus, unchanged: JmsTemplate (with CachingConnectionFactory) and the listener container. */
class SpringJmsTest extends BrokerSupport {

    @Test
    void jmsTemplateSendReceiveConvertAndBrowse() throws Exception {
        CachingConnectionFactory ccf = new CachingConnectionFactory(factory());
        // A cached consumer stays a member of the queue's group and keeps its partitions while idle, so a second
        // consumer (here: the one with a selector) would stand by. See MAPPING.md.
        ccf.setCacheConsumers(false);
        try {
            JmsTemplate template = new JmsTemplate(ccf);
            template.setReceiveTimeout(5000);
            String queue = unique("spring-q");
            template.convertAndSend(queue, "hello");
            template.convertAndSend(queue, Map.of("n", 1));
            template.send(queue, s -> {
                TextMessage m = s.createTextMessage("selected");
                m.setStringProperty("kind", "special");
                return m;
            });
            Integer browsed = template.browse(queue, (s, browser) -> Collections.list(browser.getEnumeration()).size());
            assertThat(browsed).isEqualTo(3);
            assertThat(template.receiveAndConvert(queue)).isEqualTo("hello");
            assertThat(template.receiveAndConvert(queue)).isEqualTo(Map.of("n", 1));
            Message m = template.receiveSelected(queue, "kind = 'special'");
            assertThat(((TextMessage) m).getText()).isEqualTo("selected");
            template.setReceiveTimeout(JmsTemplate.RECEIVE_TIMEOUT_NO_WAIT);
            assertThat(template.receive(queue)).isNull();
        } finally {
            ccf.destroy();
        }
    }

    @Test
    void sendAndReceiveUsesATemporaryQueue() throws Exception {
        String queue = unique("spring-rpc");
        DefaultMessageListenerContainer replier = new DefaultMessageListenerContainer();
        replier.setConnectionFactory(factory());
        replier.setDestinationName(queue);
        replier.setReceiveTimeout(100);
        replier.setMessageListener((SessionAwareMessageListener<Message>) (request, session) -> {
            TextMessage reply = session.createTextMessage("pong:" + ((TextMessage) request).getText());
            reply.setJMSCorrelationID(request.getJMSMessageID());
            session.createProducer(request.getJMSReplyTo()).send(reply);
        });
        replier.afterPropertiesSet();
        replier.start();
        CachingConnectionFactory ccf = new CachingConnectionFactory(factory());
        try {
            JmsTemplate template = new JmsTemplate(ccf);
            template.setReceiveTimeout(10_000);
            for (int i = 0; i < 3; i++) {
                int n = i;
                Message reply = template.sendAndReceive(queue, s -> s.createTextMessage("ping" + n));
                assertThat(reply).as("reply %d", i).isNotNull();
                assertThat(((TextMessage) reply).getText()).isEqualTo("pong:ping" + i);
            }
        } finally {
            ccf.destroy();
            replier.shutdown();
        }
    }

    @Test
    void listenerContainerWithClientAcknowledgeRecoversAfterAFailure() throws Exception {
        String queue = unique("spring-client-ack");
        List<String> processed = new CopyOnWriteArrayList<>();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger redelivered = new AtomicInteger();
        DefaultMessageListenerContainer dmlc = new DefaultMessageListenerContainer();
        dmlc.setConnectionFactory(factory());
        dmlc.setDestinationName(queue);
        dmlc.setSessionAcknowledgeMode(Session.CLIENT_ACKNOWLEDGE);
        dmlc.setReceiveTimeout(100);
        dmlc.setMessageListener((jakarta.jms.MessageListener) m -> {
            try {
                String text = ((TextMessage) m).getText();
                if (m.getJMSRedelivered()) {
                    redelivered.incrementAndGet();
                }
                if (text.endsWith("3") && failedOnce.add(text)) {
                    throw new IllegalStateException("fails once: " + text);
                }
                processed.add(text);
            } catch (jakarta.jms.JMSException e) {
                throw new RuntimeException(e);
            }
        });
        dmlc.afterPropertiesSet();
        dmlc.start();
        CachingConnectionFactory ccf = new CachingConnectionFactory(factory());
        try {
            JmsTemplate template = new JmsTemplate(ccf);
            for (int i = 0; i < 10; i++) {
                template.convertAndSend(queue, "m" + i);
            }
            await("10 messages processed").atMost(Duration.ofSeconds(15)).until(() -> processed.size() >= 10);
            assertThat(processed).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
            assertThat(redelivered.get()).isPositive();
        } finally {
            dmlc.shutdown();
            ccf.destroy();
        }
        // Everything was acknowledged: a new consumer of the queue finds nothing.
        JmsTemplate check = new JmsTemplate(factory());
        check.setReceiveTimeout(300);
        assertThat(check.receive(queue)).isNull();
    }

    @Test
    void listenerContainerWithTransactedSessionsRollsBackAndRedelivers() throws Exception {
        String queue = unique("spring-tx");
        String out = unique("spring-tx-out");
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        DefaultMessageListenerContainer dmlc = new DefaultMessageListenerContainer();
        dmlc.setConnectionFactory(factory());
        dmlc.setDestinationName(queue);
        dmlc.setSessionTransacted(true);
        dmlc.setConcurrentConsumers(2);
        dmlc.setReceiveTimeout(100);
        dmlc.setMessageListener((SessionAwareMessageListener<Message>) (m, session) -> {
            String text = ((TextMessage) m).getText();
            // Forward inside the transaction: held until commit, dropped on rollback.
            session.createProducer(session.createQueue(out)).send(session.createTextMessage(text));
            if (text.equals("t2") && failedOnce.add(text)) {
                throw new IllegalStateException("roll back once");
            }
        });
        dmlc.afterPropertiesSet();
        dmlc.start();
        CachingConnectionFactory ccf = new CachingConnectionFactory(factory());
        try {
            JmsTemplate template = new JmsTemplate(ccf);
            for (int i = 0; i < 6; i++) {
                template.convertAndSend(queue, "t" + i);
            }
            JmsTemplate reader = new JmsTemplate(ccf);
            reader.setReceiveTimeout(5000);
            List<String> forwarded = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 6; i++) {
                Object o = reader.receiveAndConvert(out);
                assertThat(o).as("forwarded message %d", i).isNotNull();
                forwarded.add((String) o);
            }
            // t2 was forwarded once: the rolled back attempt's send was dropped.
            assertThat(forwarded).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4", "t5");
            reader.setReceiveTimeout(300);
            assertThat(reader.receive(out)).isNull();
        } finally {
            dmlc.shutdown();
            ccf.destroy();
        }
    }
}
