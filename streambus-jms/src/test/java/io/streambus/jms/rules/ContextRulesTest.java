package io.streambus.jms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.Blocked;
import io.streambus.jms.BrokerSupport;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The simplified API and asynchronous sends (API Javadoc of {@code JMSContext}, {@code JMSProducer},
 * {@code JMSConsumer}; spec §7.3 asynchronous send: threading, order, close and commit, restrictions on callbacks).
 */
class ContextRulesTest extends BrokerSupport {

    private JMSContext context() {
        JMSContext ctx = factory().createContext();
        contexts.add(ctx);
        return ctx;
    }

    private final List<JMSContext> contexts = new CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeContexts() {
        contexts.forEach(JMSContext::close);
    }

    @Test
    void aClosedContextRefusesUseButMayBeClosedAgain() {
        JMSContext ctx = context();
        ctx.close();
        assertThatThrownBy(ctx::createProducer).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> ctx.createQueue("q")).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(ctx::createTextMessage).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> ctx.createContext(JMSContext.AUTO_ACKNOWLEDGE))
                .isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(ctx::acknowledge).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(ctx::getClientID).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(ctx::start).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatCode(ctx::close).doesNotThrowAnyException();
    }

    @Test
    void contextSessionModesAndTheirTransactionMethods() {
        JMSContext auto = context();
        assertThat(auto.getSessionMode()).isEqualTo(JMSContext.AUTO_ACKNOWLEDGE);
        assertThatThrownBy(auto::commit).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(auto::rollback).isInstanceOf(IllegalStateRuntimeException.class);
        JMSContext tx = auto.createContext(JMSContext.SESSION_TRANSACTED);
        contexts.add(tx);
        assertThat(tx.getTransacted()).isTrue();
        assertThatThrownBy(tx::recover).isInstanceOf(IllegalStateRuntimeException.class);
        assertThatThrownBy(() -> auto.createContext(42)).isInstanceOf(JMSRuntimeException.class);
        // acknowledge() outside CLIENT_ACKNOWLEDGE does nothing.
        assertThatCode(auto::acknowledge).doesNotThrowAnyException();
    }

    @Test
    void theClientIdIsSetOnceBeforeUse() {
        JMSContext ctx = context();
        String cid = unique("ctx-cid");
        ctx.setClientID(cid);
        assertThat(ctx.getClientID()).isEqualTo(cid);
        assertThatThrownBy(() -> ctx.setClientID("again")).isInstanceOf(IllegalStateRuntimeException.class);
        JMSContext used = context();
        used.createProducer();
        used.createTextMessage();
        used.createQueue(unique("q"));
        used.createConsumer(used.createQueue(unique("q")));
        assertThatThrownBy(() -> used.setClientID(unique("late"))).isInstanceOf(IllegalStateRuntimeException.class);
    }

    @Test
    void autoStartStartsTheConnectionWithTheFirstConsumerUnlessDisabled() {
        JMSContext ctx = context();
        Queue q = ctx.createQueue(unique("autostart"));
        ctx.setAutoStart(false);
        assertThat(ctx.getAutoStart()).isFalse();
        JMSConsumer c = ctx.createConsumer(q);
        ctx.createProducer().send(q, "x");
        assertThat(c.receiveNoWait()).isNull();
        ctx.start();
        assertThat(c.receiveBody(String.class, 10_000)).isEqualTo("x");
    }

    @Test
    void aListenerMustNotStopOrCloseItsOwnContext() throws Exception {
        JMSContext ctx = context();
        Queue q = ctx.createQueue(unique("ctx-listener"));
        AtomicReference<Throwable> onStop = new AtomicReference<>();
        AtomicReference<Throwable> onClose = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        ctx.createConsumer(q).setMessageListener(m -> {
            try {
                ctx.stop();
            } catch (Throwable e) {
                onStop.set(e);
            }
            try {
                ctx.close();
            } catch (Throwable e) {
                onClose.set(e);
            }
            done.countDown();
        });
        ctx.createProducer().send(q, "x");
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onStop.get()).isInstanceOf(IllegalStateRuntimeException.class);
        assertThat(onClose.get()).isInstanceOf(IllegalStateRuntimeException.class);
    }

    @Test
    void producerPropertiesFollowTheMessagePropertyRules() {
        JMSProducer p = context().createProducer();
        assertThatThrownBy(() -> p.setProperty("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.setProperty((String) null, "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.setProperty("o", new Object())).isInstanceOf(MessageFormatRuntimeException.class);
        p.setProperty("b", true).setProperty("i", 3).setProperty("t", "17");
        assertThat(p.getIntProperty("t")).isEqualTo(17);
        assertThat(p.getLongProperty("i")).isEqualTo(3L);
        assertThatThrownBy(() -> p.getIntProperty("b")).isInstanceOf(MessageFormatRuntimeException.class);
        assertThatThrownBy(() -> p.getShortProperty("i")).isInstanceOf(MessageFormatRuntimeException.class);
        assertThat(p.getPropertyNames()).containsExactlyInAnyOrder("b", "i", "t");
        assertThat(p.propertyExists("b")).isTrue();
        p.clearProperties();
        assertThat(p.getPropertyNames()).isEmpty();
    }

    @Test
    void producerQualityOfServiceBoundsAndSendArguments() {
        JMSContext ctx = context();
        JMSProducer p = ctx.createProducer();
        assertThatThrownBy(() -> p.setPriority(10)).isInstanceOf(JMSRuntimeException.class);
        assertThatThrownBy(() -> p.setDeliveryMode(7)).isInstanceOf(JMSRuntimeException.class);
        assertThatThrownBy(() -> p.setDeliveryDelay(-5)).isInstanceOf(JMSRuntimeException.class);
        assertThatThrownBy(() -> p.send(null, "x")).isInstanceOf(InvalidDestinationRuntimeException.class);
        assertThatThrownBy(() -> p.send(ctx.createQueue(unique("q")), (Message) null))
                .isInstanceOf(MessageFormatRuntimeException.class);
    }

    @Test
    void bodySendsCreateTheMatchingMessageTypesAndCarryProducerSettings() throws Exception {
        JMSContext ctx = context();
        Queue q = ctx.createQueue(unique("bodies"));
        JMSProducer p = ctx.createProducer().setJMSCorrelationID("corr").setJMSType("kind").setPriority(7)
                .setProperty("k", "v");
        p.send(q, "text");
        p.send(q, Map.of("a", 1));
        p.send(q, new byte[] {1, 2});
        p.send(q, (java.io.Serializable) List.of("x"));
        JMSConsumer c = ctx.createConsumer(q);
        Message text = c.receive(10_000);
        assertThat(text).isInstanceOf(TextMessage.class);
        assertThat(text.getJMSCorrelationID()).isEqualTo("corr");
        assertThat(text.getJMSType()).isEqualTo("kind");
        assertThat(text.getJMSPriority()).isEqualTo(7);
        assertThat(text.getStringProperty("k")).isEqualTo("v");
        assertThat(c.receive(10_000)).isInstanceOf(MapMessage.class);
        assertThat(c.receive(10_000)).isInstanceOf(BytesMessage.class);
        assertThat(c.receive(10_000)).isInstanceOf(ObjectMessage.class);
    }

    // ---------------------------------------------------------------- asynchronous send (§7.3)

    @Test
    void aNullCompletionListenerIsRefused() throws Exception {
        Session s = connect().createSession();
        MessageProducer p = s.createProducer(s.createQueue(unique("null-cl")));
        assertThatThrownBy(() -> p.send(s.createTextMessage("x"), (CompletionListener) null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void completionListenersRunOnAnotherThreadInSendOrder() throws Exception {
        Session s = connect().createSession();
        MessageProducer p = s.createProducer(s.createQueue(unique("cl-order")));
        List<String> order = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(30);
        for (int i = 0; i < 30; i++) {
            p.send(s.createTextMessage("m" + i), new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    try {
                        order.add(((TextMessage) message).getText());
                    } catch (Exception e) {
                        order.add("?");
                    }
                    threads.add(Thread.currentThread().getName());
                    all.countDown();
                }

                @Override
                public void onException(Message message, Exception exception) {
                    all.countDown();
                }
            });
        }
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(order.get(i)).isEqualTo("m" + i);
        }
        assertThat(threads).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void aCompletionListenerMustNotCloseOrCommitItsOwnSessionProducerOrConnection() throws Exception {
        Connection c = connect();
        Session s = c.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer p = s.createProducer(s.createQueue(unique("cl-restrictions")));
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        p.send(s.createTextMessage("x"), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                record(p::close);
                record(s::close);
                record(s::commit);
                record(s::rollback);
                record(c::close);
                done.countDown();
            }

            private void record(ThrowingAction a) {
                try {
                    a.run();
                    failures.add(null);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }

            @Override
            public void onException(Message message, Exception exception) {
                done.countDown();
            }
        });
        s.commit();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).hasSize(5).allMatch(e -> e instanceof IllegalStateException, "IllegalStateException");
    }

    /** An action that may throw. */
    private interface ThrowingAction {
        void run() throws Exception;
    }

    @Test
    void sessionCloseWaitsForIncompleteAsynchronousSends() throws Exception {
        Session s = connect().createSession();
        MessageProducer p = s.createProducer(s.createQueue(unique("cl-close")));
        CountDownLatch release = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        p.send(s.createTextMessage("x"), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                events.add("callback returned");
            }

            @Override
            public void onException(Message message, Exception exception) {
                events.add("failed");
            }
        });
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Blocked.start(() -> {
            s.close();
            events.add("close returned");
            closed.complete(null);
        }, closed);
        assertThat(closed).isNotDone();
        release.countDown();
        closed.get(10, TimeUnit.SECONDS);
        assertThat(events).containsExactly("callback returned", "close returned");
    }
}
