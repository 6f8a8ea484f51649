package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
        long deadline = System.currentTimeMillis() + 10_000;
        while (errors.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).getMessage()).contains("connection to the StreamBus broker lost");
        Thread.sleep(600); // more failed probes: still one notification
        assertThat(errors).hasSize(1);

        broker.start();
        deadline = System.currentTimeMillis() + 15_000;
        TextMessage got = null;
        while (got == null && System.currentTimeMillis() < deadline) {
            try {
                s.createProducer(t).send(s.createTextMessage("after"));
                got = (TextMessage) consumer.receive(2000);
            } catch (JMSException e) {
                Thread.sleep(100);
            }
        }
        assertThat(got).isNotNull();
        assertThat(got.getText()).isEqualTo("after");
    }
}
