package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a broker that serves the core protocol only (like the reference StreamBus broker): topics and non-durable
 * subscriptions work; everything that needs consumer groups fails at once with a JMSException naming the capability.
 */
class CoreOnlyBrokerTest {

    @Test
    void topicsWorkAndGroupFeaturesFailFastNamingTheCapability(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker core = EmbeddedBroker.builder().port(0).dataDir(dir).coreOnly(true).build()) {
            int p = core.start();
            StreamBusConnectionFactory cf = new StreamBusConnectionFactory("streambus://127.0.0.1:" + p
                    + "?fetch.backoff.ms=5&pollInterval=20&requestTimeout=5000");
            Connection c = cf.createConnection();
            try {
                c.setClientID("core-only");
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Topic t = s.createTopic("core-topic");
                MessageConsumer sub = s.createConsumer(t);
                s.createProducer(t).send(s.createTextMessage("works"));
                assertThat(((TextMessage) sub.receive(5000)).getText()).isEqualTo("works");
                // Temporary queues need no group either.
                var tq = s.createTemporaryQueue();
                s.createProducer(tq).send(s.createTextMessage("reply"));
                assertThat(((TextMessage) s.createConsumer(tq).receive(5000)).getText()).isEqualTo("reply");

                long t0 = System.nanoTime();
                for (ThrowingCall call : new ThrowingCall[] {
                        () -> s.createConsumer(s.createQueue("q")),
                        () -> s.createDurableConsumer(t, "d"),
                        () -> s.createSharedConsumer(t, "s"),
                        () -> s.createSharedDurableConsumer(t, "sd"),
                        () -> s.createBrowser(s.createQueue("q")),
                        () -> s.unsubscribe("d")}) {
                    assertThatThrownBy(call::run).isInstanceOf(JMSException.class)
                            .hasMessageContaining("consumer-groups")
                            .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("consumer-groups"));
                }
                assertThat((System.nanoTime() - t0) / 1_000_000).as("fails fast").isLessThan(1000);
            } finally {
                c.close();
            }
        }
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }
}
