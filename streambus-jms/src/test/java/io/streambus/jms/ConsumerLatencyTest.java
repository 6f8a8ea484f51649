package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: creating a queue consumer and handing a queue over to the next consumer must not wait for any timeout.
 * Measured with the factory's default timings (not the test-tuned ones of {@link BrokerSupport#url}), on an idle
 * share-group queue of the embedded broker:
 * <ul>
 * <li>{@code createConsumer} to the first {@code receive} returning, the message sent before the consumer exists;</li>
 * <li>the same with the message sent after the consumer exists;</li>
 * <li>closing a consumer that holds an unacknowledged message to the next (waiting) consumer receiving it.</li>
 * </ul>
 * The assertion bound is generous (2 s, robust on a loaded machine) but well below every timeout that could be
 * involved (request timeout 30 s, session timeout, poll interval × retries); the medians are printed for the report.
 */
class ConsumerLatencyTest extends BrokerSupport {
    private static final int ROUNDS = 7;
    private static final long BOUND_NANOS = 2_000_000_000L;

    private Connection defaultTimings() throws Exception {
        return track(new StreamBusConnectionFactory("streambus://127.0.0.1:" + port).createConnection(), true);
    }

    @Test
    void consumerCreationAndHandOverDoNotWaitForTimeouts() throws Exception {
        Connection c = defaultTimings();
        List<Long> sentBefore = new ArrayList<>();
        List<Long> sentAfter = new ArrayList<>();
        List<Long> handOver = new ArrayList<>();
        measure(c, null, null, null); // warm-up: class loading, JIT, the first share group of the broker
        for (int i = 0; i < ROUNDS; i++) {
            measure(c, sentBefore, sentAfter, handOver);
        }
        System.out.printf("ConsumerLatencyTest medians over %d rounds: createConsumer -> first receive %.1f ms "
                + "(message sent before), %.1f ms (message sent after); close -> next consumer receives %.1f ms%n",
                ROUNDS, median(sentBefore), median(sentAfter), median(handOver));
        assertThat(sentBefore).allMatch(n -> n < BOUND_NANOS, "below 2 s");
        assertThat(sentAfter).allMatch(n -> n < BOUND_NANOS, "below 2 s");
        assertThat(handOver).allMatch(n -> n < BOUND_NANOS, "below 2 s");
    }

    private void measure(Connection c, List<Long> sentBefore, List<Long> sentAfter, List<Long> handOver)
            throws Exception {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("latency"));
        s.createProducer(q).send(s.createTextMessage("before"));

        long t0 = System.nanoTime();
        MessageConsumer first = s.createConsumer(q);
        Message m = first.receive(30_000);
        long before = System.nanoTime() - t0;
        assertThat(((TextMessage) m).getText()).isEqualTo("before");
        first.close();

        Session s2 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        t0 = System.nanoTime();
        MessageConsumer second = s2.createConsumer(q);
        s.createProducer(q).send(s.createTextMessage("after"));
        m = second.receive(30_000);
        long after = System.nanoTime() - t0;
        assertThat(((TextMessage) m).getText()).isEqualTo("after");
        second.close();

        // Hand-over: a consumer holds an unacknowledged message while the next one waits in receive.
        s.createProducer(q).send(s.createTextMessage("held"));
        Session holding = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer holder = holding.createConsumer(q);
        assertThat(((TextMessage) holder.receive(30_000)).getText()).isEqualTo("held");
        Session waiting = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer next = waiting.createConsumer(q);
        assertThat(next.receiveNoWait()).isNull();
        t0 = System.nanoTime();
        holder.close();
        m = next.receive(30_000);
        long over = System.nanoTime() - t0;
        assertThat(((TextMessage) m).getText()).isEqualTo("held");
        assertThat(m.getJMSRedelivered()).isTrue();
        next.close();
        s.close();
        s2.close();
        holding.close();
        waiting.close();
        if (sentBefore != null) {
            sentBefore.add(before);
            sentAfter.add(after);
            handOver.add(over);
        }
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
