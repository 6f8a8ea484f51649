package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The ExceptionListener hears of a lost broker once per outage, and the connection works again afterwards. */
class ExceptionListenerTest extends BrokerSupport {

    @Test
    void brokerLossIsReportedOnceAndTheConnectionRecovers() throws Exception {
        Connection c = connect();
        List<JMSException> errors = new CopyOnWriteArrayList<>();
        c.setExceptionListener(errors::add);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("outage"));
        MessageConsumer consumer = s.createConsumer(t);

        broker.stop();
        await("outage reported").atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).getMessage()).contains("connection to the StreamBus broker lost");
        // More failed probes (every 200 ms) while the broker stays down: still one notification.
        await("one notification per outage").during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> errors.size() == 1);

        broker.start();
        AtomicReference<TextMessage> got = new AtomicReference<>();
        // Sends fail until the client reconnects; each try sends again and waits for one to come back.
        await("connection usable again").atMost(Duration.ofSeconds(15)).pollInSameThread()
                .pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(JMSException.class).until(() -> {
                    s.createProducer(t).send(s.createTextMessage("after"));
                    got.set((TextMessage) consumer.receive(2000));
                    return got.get() != null;
                });
        assertThat(got.get().getText()).isEqualTo("after");
    }
}
