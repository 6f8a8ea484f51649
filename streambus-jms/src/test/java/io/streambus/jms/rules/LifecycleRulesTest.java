package io.streambus.jms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.Blocked;
import io.streambus.jms.BrokerSupport;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Connection, session, producer, consumer and browser life cycles (API Javadoc of {@code Connection},
 * {@code Session}, {@code MessageConsumer}, {@code MessageProducer}, {@code QueueBrowser}; spec §6.1.5 pausing
 * delivery, §6.1.8 closing a connection, §6.2 sessions): closed objects refuse use with
 * {@link IllegalStateException}, close is idempotent, and the threading rules of listeners.
 */
class LifecycleRulesTest extends BrokerSupport {

    @Test
    void aClosedConnectionRefusesEverythingButClose() throws Exception {
        Connection c = connect();
        c.close();
        assertThatThrownBy(() -> c.createSession(false, Session.AUTO_ACKNOWLEDGE))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::createSession).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::getClientID).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.setClientID("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::getMetaData).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::stop).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::getExceptionListener).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.setExceptionListener(e -> { })).isInstanceOf(IllegalStateException.class);
        assertThatCode(c::close).doesNotThrowAnyException();
    }

    @Test
    void aClosedSessionRefusesEverythingButClose() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("closed-session"));
        s.close();
        assertThatThrownBy(() -> s.createProducer(q)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.createConsumer(q)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.createBrowser(q)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::createTextMessage).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::createMessage).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.createQueue("q")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::getTransacted).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::getAcknowledgeMode).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::recover).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::rollback).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.unsubscribe("x")).isInstanceOf(IllegalStateException.class);
        assertThatCode(s::close).doesNotThrowAnyException();
    }

    @Test
    void closingASessionClosesItsProducersConsumersAndBrowsers() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("closed-children"));
        MessageProducer p = s.createProducer(q);
        MessageConsumer c = s.createConsumer(q);
        QueueBrowser b = s.createBrowser(q);
        s.close();
        assertThatThrownBy(() -> p.send(s.createTextMessage())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::getDeliveryMode).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.receive(10)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::getMessageSelector).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(b::getEnumeration).isInstanceOf(IllegalStateException.class);
        assertThatCode(p::close).doesNotThrowAnyException();
        assertThatCode(c::close).doesNotThrowAnyException();
        assertThatCode(b::close).doesNotThrowAnyException();
    }

    @Test
    void aClosedProducerOrConsumerRefusesUse() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("closed-pc"));
        MessageProducer p = s.createProducer(q);
        MessageConsumer c = s.createConsumer(q);
        p.close();
        c.close();
        assertThatThrownBy(() -> p.send(s.createTextMessage())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.setPriority(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::receiveNoWait).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.setMessageListener(m -> { })).isInstanceOf(IllegalStateException.class);
        assertThatCode(p::close).doesNotThrowAnyException();
        assertThatCode(c::close).doesNotThrowAnyException();
    }

    @Test
    void closingAConsumerReturnsNullToABlockedReceive() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer c = s.createConsumer(s.createQueue(unique("blocked-receive")));
        CompletableFuture<Message> received = new CompletableFuture<>();
        Blocked.start(() -> received.complete(c.receive(30_000)), received);
        c.close();
        assertThat(received.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void closingTheConnectionReturnsNullToABlockedReceive() throws Exception {
        Connection conn = track(factory().createConnection(), true);
        MessageConsumer c = conn.createSession().createConsumer(conn.createSession().createQueue(unique("cr")));
        CompletableFuture<Message> received = new CompletableFuture<>();
        Blocked.start(() -> received.complete(c.receive(30_000)), received);
        conn.close();
        assertThat(received.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void startingAStartedAndStoppingAStoppedConnectionAreIgnored() throws Exception {
        Connection c = connect();
        c.start();
        c.stop();
        c.stop();
        c.start();
        Session s = c.createSession();
        Queue q = s.createQueue(unique("start-twice"));
        s.createProducer(q).send(s.createTextMessage("x"));
        assertThat(s.createConsumer(q).receive(10_000)).isNotNull();
    }

    @Test
    void stopWaitsForARunningListenerToReturn() throws Exception {
        Connection c = connect();
        Session s = c.createSession();
        Queue q = s.createQueue(unique("stop-waits"));
        List<String> events = new CopyOnWriteArrayList<>();
        Blocked.Gate gate = new Blocked.Gate(events);
        s.createConsumer(q).setMessageListener(m -> gate.pass());
        connect().createSession().createProducer(q).send(s.createTextMessage("x"));
        assertThat(gate.awaitEntered()).isTrue();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Blocked.start(() -> {
            c.stop();
            events.add("stop returned");
            stopped.complete(null);
        }, stopped);
        assertThat(stopped).isNotDone();
        gate.release();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(events).containsExactly("listener returned", "stop returned");
    }

    @Test
    void aListenerMustNotStopOrCloseItsOwnConnection() throws Exception {
        Connection c = connect();
        Session s = c.createSession();
        Queue q = s.createQueue(unique("listener-stop"));
        AtomicReference<Throwable> onStop = new AtomicReference<>();
        AtomicReference<Throwable> onClose = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(q).setMessageListener(m -> {
            try {
                c.stop();
            } catch (Throwable e) {
                onStop.set(e);
            }
            try {
                c.close();
            } catch (Throwable e) {
                onClose.set(e);
            }
            done.countDown();
        });
        s.createProducer(q).send(s.createTextMessage("x"));
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onStop.get()).isInstanceOf(IllegalStateException.class);
        assertThat(onClose.get()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void receiveIsRefusedWhileAMessageListenerIsSet() throws Exception {
        Session s = connect().createSession();
        MessageConsumer c = s.createConsumer(s.createQueue(unique("listener-receive")));
        c.setMessageListener(m -> { });
        assertThatThrownBy(() -> c.receive(10)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::receiveNoWait).isInstanceOf(IllegalStateException.class);
        c.setMessageListener(null);
        assertThat(c.receiveNoWait()).isNull();
    }

    @Test
    void transactionMethodsOnTheWrongKindOfSession() throws Exception {
        Connection c = connect();
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session transacted = c.createSession(true, Session.SESSION_TRANSACTED);
        assertThatThrownBy(plain::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(plain::rollback).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(transacted::recover).isInstanceOf(IllegalStateException.class);
        assertThat(transacted.getTransacted()).isTrue();
        assertThat(transacted.getAcknowledgeMode()).isEqualTo(Session.SESSION_TRANSACTED);
        assertThat(c.createSession(Session.SESSION_TRANSACTED).getTransacted()).isTrue();
        assertThat(c.createSession(true, Session.AUTO_ACKNOWLEDGE).getAcknowledgeMode())
                .isEqualTo(Session.SESSION_TRANSACTED);
        assertThatThrownBy(() -> c.createSession(false, 42)).isInstanceOf(JMSException.class);
        assertThat(c.createSession().getAcknowledgeMode()).isEqualTo(Session.AUTO_ACKNOWLEDGE);
    }

    @Test
    void acknowledgeOnAMessageOfAClosedSessionIsRefused() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("ack-closed"));
        s.createProducer(q).send(s.createTextMessage("x"));
        Message m = s.createConsumer(q).receive(10_000);
        assertThat(((TextMessage) m).getText()).isEqualTo("x");
        s.close();
        assertThatThrownBy(m::acknowledge).isInstanceOf(IllegalStateException.class);
        // The message itself stays usable (§6.1.8).
        assertThat(((TextMessage) m).getText()).isEqualTo("x");
    }

    @Test
    void invalidDestinationsAndSelectorsAreRefusedWithTheirExceptions() throws Exception {
        Session s = connect().createSession();
        assertThatThrownBy(() -> s.createConsumer(null)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createBrowser(null)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createConsumer(s.createQueue(unique("sel")), "a = "))
                .isInstanceOf(InvalidSelectorException.class);
        assertThatThrownBy(() -> s.createBrowser(s.createQueue(unique("sel")), "a ="))
                .isInstanceOf(InvalidSelectorException.class);
        // An empty selector is no selector (§3.8.1.1).
        assertThat(s.createConsumer(s.createQueue(unique("sel")), "").getMessageSelector()).isNullOrEmpty();
        // A producer without a destination is allowed (an anonymous producer).
        assertThat(s.createProducer(null).getDestination()).isNull();
    }

    @Test
    void metaDataNamesJms31AndTheSupportedJmsxProperties() throws Exception {
        jakarta.jms.ConnectionMetaData md = connect().getMetaData();
        assertThat(md.getJMSMajorVersion()).isEqualTo(3);
        assertThat(md.getJMSMinorVersion()).isEqualTo(1);
        assertThat(md.getJMSVersion()).isEqualTo("3.1");
        assertThat(java.util.Collections.list(md.getJMSXPropertyNames()))
                .contains("JMSXGroupID", "JMSXGroupSeq", "JMSXDeliveryCount");
    }

    @Test
    void aSessionRunsItsListenersOneAtATime() throws Exception {
        Connection c = connect();
        Session s = c.createSession();
        Queue q1 = s.createQueue(unique("serial-1"));
        Queue q2 = s.createQueue(unique("serial-2"));
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxRunning = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch all = new CountDownLatch(40);
        jakarta.jms.MessageListener l = m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            // Long enough for a second listener to start meanwhile if the session ran them in parallel.
            for (long t = System.nanoTime(); System.nanoTime() - t < 2_000_000; ) {
                Thread.onSpinWait();
            }
            running.decrementAndGet();
            all.countDown();
        };
        s.createConsumer(q1).setMessageListener(l);
        s.createConsumer(q2).setMessageListener(l);
        Session sender = connect().createSession();
        MessageProducer p1 = sender.createProducer(q1);
        MessageProducer p2 = sender.createProducer(q2);
        for (int i = 0; i < 20; i++) {
            p1.send(sender.createTextMessage("a" + i));
            p2.send(sender.createTextMessage("b" + i));
        }
        assertThat(all.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(maxRunning.get()).as("listeners of one session running at once").isEqualTo(1);
    }

    @Test
    void aConnectionIsUsedByManyThreadsThroughTheirOwnSessions() throws Exception {
        Connection c = connect();
        Queue q = c.createSession().createQueue(unique("threads"));
        int threads = 4;
        int each = 25;
        List<CompletableFuture<Void>> senders = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            senders.add(CompletableFuture.runAsync(() -> {
                try {
                    Session s = c.createSession();
                    MessageProducer p = s.createProducer(q);
                    for (int i = 0; i < each; i++) {
                        p.send(s.createTextMessage(id + "-" + i));
                    }
                    s.close();
                } catch (JMSException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        CompletableFuture.allOf(senders.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        MessageConsumer consumer = c.createSession().createConsumer(q);
        java.util.Set<String> got = new java.util.HashSet<>();
        for (int i = 0; i < threads * each; i++) {
            got.add(((TextMessage) consumer.receive(10_000)).getText());
        }
        assertThat(got).hasSize(threads * each);
    }
}
