package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.jms.internal.JmsConnection;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a broker that serves consumer groups but not share groups: queues keep the consumer-group mapping, the
 * connection says so (the factory logs it once), and {@code queueMode=share} is refused naming the capability.
 */
@ExtendWith(LeakCheck.class)
class NoShareGroupsBrokerTest {

    @Test
    void queuesStayConsumerGroupsAndSaySo(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().port(0).dataDir(dir).shareGroups(null).build()) {
            int p = b.start();
            String base = "streambus://127.0.0.1:" + p + "?fetch.backoff.ms=5&pollInterval=20&requestTimeout=5000"
                    + "&session.timeout.ms=6000&heartbeat.interval.ms=500";
            Connection c = new StreamBusConnectionFactory(base).createConnection();
            try {
                c.start();
                assertThat(((JmsConnection) c).queueSemantics()).contains("consumer groups")
                        .contains("does not serve share groups");
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue q = s.createQueue("plain-queue");
                s.createProducer(q).send(s.createTextMessage("via group"));
                MessageConsumer mc = s.createConsumer(q);
                assertThat(((TextMessage) mc.receive(10_000)).getText()).isEqualTo("via group");
            } finally {
                c.close();
            }
            Connection strict = new StreamBusConnectionFactory(base + "&queueMode=share").createConnection();
            try {
                Session s = strict.createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertThatThrownBy(() -> s.createConsumer(s.createQueue("plain-queue")))
                        .isInstanceOf(JMSException.class)
                        .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("share-groups"));
            } finally {
                strict.close();
            }
        }
    }
}
