package io.streambus.jms.ra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures (never asserts) how fast an activation delivers a backlog: non-transacted delivery is the baseline, XA
 * delivery with Narayana (one transaction per message) is reported as a ratio of it, measured in the same run.
 * Slow profile only: {@code mvn -Pslow -pl streambus-jms-ra -am test -Dtest=InboundThroughputTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "streambus.slow", matches = "true")
class InboundThroughputTest extends RaTestSupport {
    private static final int MESSAGES = 1500;
    private static final int SESSIONS = 4;

    /** Messages per second for a backlog of {@link #MESSAGES} on a fresh queue. */
    private double deliver(boolean transacted, String connectionProperties) throws Exception {
        String queue = unique(transacted ? "tp-xa" : "tp-plain");
        Session s = plainConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(queue));
        for (int i = 0; i < MESSAGES; i++) {
            p.send(s.createTextMessage("m" + i));
        }
        AtomicInteger delivered = new AtomicInteger();
        TestEndpointFactory mef = new TestEndpointFactory(transacted, tm(), (m, e) -> delivered.incrementAndGet());
        StreamBusResourceAdapter ra = startAdapter();
        StreamBusActivationSpec spec = new StreamBusActivationSpec();
        spec.setDestination(queue);
        spec.setMaxSession(SESSIONS);
        spec.setConnectionProperties(connectionProperties);
        long start = System.nanoTime();
        ra.endpointActivation(mef, spec);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> delivered.get() >= MESSAGES);
        double seconds = (System.nanoTime() - start) / 1e9;
        ra.endpointDeactivation(mef, spec);
        return MESSAGES / seconds;
    }

    @Test
    void xaDeliveryAgainstNonTransactedDelivery() throws Exception {
        deliver(false, null); // warm-up (JIT, Narayana, broker)
        double plain = deliver(false, null);
        double xa = deliver(true, null);
        // The share consumer's long poll (share.fetch.max.wait.ms, default 500) delays acknowledge()/commits.
        double plainShort = deliver(false, "share.fetch.max.wait.ms=20");
        double xaShort = deliver(true, "share.fetch.max.wait.ms=20");
        System.out.printf("THROUGHPUT messages=%d sessions=%d non-transacted=%.0f msg/s xa=%.0f msg/s "
                + "ratio xa/non-transacted=%.2f; with share.fetch.max.wait.ms=20: non-transacted=%.0f msg/s "
                + "(%.2f x default) xa=%.0f msg/s (%.2f x default)%n", MESSAGES, SESSIONS, plain, xa, xa / plain,
                plainShort, plainShort / plain, xaShort, xaShort / xa);
        assertThat(plain).isPositive();
        assertThat(xa).isPositive();
    }
}
