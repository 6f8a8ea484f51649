package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Client id rules, start/stop, close semantics with listeners, producer rules, selectors and noLocal. */
class ConnectionRulesTest extends BrokerSupport {

    @Test
    void clientIdIsSetOnceBeforeUseAndUniqueInTheJvm() throws Exception {
        Connection a = track(factory().createConnection(), false);
        a.setClientID("rules-a");
        assertThat(a.getClientID()).isEqualTo("rules-a");
        assertThatThrownBy(() -> a.setClientID("again")).isInstanceOf(IllegalStateException.class);

        Connection b = track(factory().createConnection(), false);
        assertThatThrownBy(() -> b.setClientID("rules-a")).isInstanceOf(InvalidClientIDException.class);
        b.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(() -> b.setClientID("late")).isInstanceOf(IllegalStateException.class);

        // pooled-jms and Spring register an ExceptionListener and read metadata first: that must not freeze it.
        Connection c = track(factory().createConnection(), false);
        c.setExceptionListener(e -> { });
        c.getMetaData();
        c.setClientID("rules-c");

        Connection admin = track(factory("clientID=rules-admin").createConnection(), false);
        assertThat(admin.getClientID()).isEqualTo("rules-admin");
        assertThatThrownBy(() -> admin.setClientID("other")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> factory("clientID=rules-admin").createConnection())
                .isInstanceOf(InvalidClientIDException.class);

        // Released when the connection closes.
        a.close();
        Connection reuse = track(factory().createConnection(), false);
        reuse.setClientID("rules-a");
    }

    @Test
    void nothingIsDeliveredBeforeStartAndStopPausesDelivery() throws Exception {
        Connection c = track(factory().createConnection(), false);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("startstop"));
        MessageConsumer consumer = s.createConsumer(t);
        List<String> got = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        consumer.setMessageListener(m -> {
            try {
                got.add(((TextMessage) m).getText());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            two.countDown();
        });
        MessageProducer p = s.createProducer(t);
        p.send(s.createTextMessage("one"));
        await("nothing before start").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .until(got::isEmpty);
        c.start();
        awaitSize(got, 1);
        c.stop();
        p.send(s.createTextMessage("two"));
        await("nothing while stopped").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .until(() -> got.equals(List.of("one")));
        c.start();
        assertThat(two.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(got).containsExactly("one", "two");
    }

    private static void awaitSize(List<?> list, int n) {
        await(n + " received").atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(list).hasSize(n));
    }

    @Test
    void closeWaitsForARunningListenerAndListenersCannotCloseTheirOwnSession() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("closewait"));
        MessageConsumer consumer = s.createConsumer(t);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Throwable> ownClose = new AtomicReference<>();
        AtomicReference<Throwable> ownStop = new AtomicReference<>();
        long[] finishedAt = new long[1];
        consumer.setMessageListener(m -> {
            try {
                s.close();
            } catch (Throwable e) {
                ownClose.set(e);
            }
            try {
                c.stop();
            } catch (Throwable e) {
                ownStop.set(e);
            }
            entered.countDown();
            try {
                Thread.sleep(400); // a slow onMessage: the elapsed time close() must wait out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finishedAt[0] = System.nanoTime();
        });
        s.createProducer(t).send(s.createTextMessage("slow"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        c.close();
        long closedAt = System.nanoTime();
        assertThat(finishedAt[0]).isPositive().isLessThanOrEqualTo(closedAt);
        assertThat(ownClose.get()).isInstanceOf(IllegalStateException.class);
        assertThat(ownStop.get()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.createTextMessage("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aListenerMayCloseItsOwnConsumer() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("selfclose"));
        MessageConsumer consumer = s.createConsumer(t);
        List<String> got = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        consumer.setMessageListener(m -> {
            try {
                got.add(((TextMessage) m).getText());
                consumer.close();
            } catch (Throwable e) {
                error.set(e);
            }
        });
        MessageProducer p = s.createProducer(t);
        p.send(s.createTextMessage("first"));
        p.send(s.createTextMessage("second"));
        awaitSize(got, 1);
        await("the closed consumer gets no more").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .until(() -> got.equals(List.of("first")));
        assertThat(error.get()).isNull();
        assertThatThrownBy(consumer::receiveNoWait).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void producerRulesForIdentifiedAndAnonymousProducers() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("producers"));
        MessageProducer identified = s.createProducer(t);
        MessageProducer anonymous = s.createProducer(null);
        TextMessage m = s.createTextMessage("x");
        assertThatThrownBy(() -> identified.send(t, m)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> anonymous.send(m)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> anonymous.send(null, m)).isInstanceOf(jakarta.jms.InvalidDestinationException.class);
        assertThatThrownBy(() -> identified.setPriority(10)).isInstanceOf(jakarta.jms.JMSException.class);
        assertThatThrownBy(() -> identified.setDeliveryMode(7)).isInstanceOf(jakarta.jms.JMSException.class);
        anonymous.send(t, m);
        assertThat(m.getJMSDestination()).isEqualTo(t);
        identified.close();
        assertThatThrownBy(() -> identified.send(m)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void selectorsAndNoLocal() throws Exception {
        Connection c = connect();
        Connection other = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session os = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("selectors"));
        assertThatThrownBy(() -> s.createConsumer(t, "color = ")).isInstanceOf(InvalidSelectorException.class);
        MessageConsumer red = s.createConsumer(t, "color = 'red' AND size > 2");
        MessageConsumer notMine = s.createConsumer(t, null, true);
        assertThat(red.getMessageSelector()).isEqualTo("color = 'red' AND size > 2");
        MessageProducer mine = s.createProducer(t);
        MessageProducer theirs = os.createProducer(t);
        for (String[] spec : new String[][] {{"blue", "5"}, {"red", "1"}, {"red", "3"}}) {
            TextMessage m = s.createTextMessage(spec[0] + spec[1]);
            m.setStringProperty("color", spec[0]);
            m.setIntProperty("size", Integer.parseInt(spec[1]));
            mine.send(m);
        }
        theirs.send(os.createTextMessage("from-other"));
        assertThat(((TextMessage) red.receive(5000)).getText()).isEqualTo("red3");
        assertThat(red.receive(100)).isNull();
        assertThat(((TextMessage) notMine.receive(5000)).getText()).isEqualTo("from-other");
        assertThat(notMine.receive(100)).isNull();
    }
}
