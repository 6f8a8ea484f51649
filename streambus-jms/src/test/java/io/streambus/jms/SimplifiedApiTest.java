package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.CompletionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.Topic;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** JMSContext, JMSProducer and JMSConsumer, and asynchronous sends with a CompletionListener. */
class SimplifiedApiTest extends BrokerSupport {

    @Test
    void contextProducerAndConsumer() throws Exception {
        try (JMSContext ctx = factory().createContext()) {
            Topic t = ctx.createTopic(unique("ctx"));
            JMSConsumer consumer = ctx.createConsumer(t); // auto-start
            JMSProducer producer = ctx.createProducer().setProperty("k", 7).setJMSType("t1").setPriority(2);
            assertThat(producer.getIntProperty("k")).isEqualTo(7);
            assertThat(producer.getStringProperty("k")).isEqualTo("7");
            producer.send(t, "text");
            producer.send(t, Map.of("a", 1));
            producer.send(t, new byte[] {5});
            producer.send(t, (java.io.Serializable) 42L);

            Message m = consumer.receive(5000);
            assertThat(m.getBody(String.class)).isEqualTo("text");
            assertThat(m.getIntProperty("k")).isEqualTo(7);
            assertThat(m.getJMSType()).isEqualTo("t1");
            assertThat(m.getJMSPriority()).isEqualTo(2);
            assertThat(consumer.receiveBody(Map.class, 5000)).containsEntry("a", 1);
            assertThat(consumer.receiveBody(byte[].class, 5000)).containsExactly(5);
            assertThat(consumer.receiveBody(Long.class, 5000)).isEqualTo(42L);
            assertThatThrownBy(() -> ctx.createConsumer(t, "x = ")).isInstanceOf(InvalidSelectorRuntimeException.class);
            assertThatThrownBy(() -> ctx.setClientID("late")).isInstanceOf(IllegalStateRuntimeException.class);
        }
    }

    @Test
    void receiveBodyOfTheWrongTypeLeavesTheMessageForRedelivery() throws Exception {
        try (JMSContext ctx = factory().createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            TemporaryQueue q = ctx.createTemporaryQueue();
            JMSConsumer consumer = ctx.createConsumer(q);
            ctx.createProducer().send(q, "not a number");
            assertThatThrownBy(() -> consumer.receiveBody(Integer.class, 5000))
                    .isInstanceOf(MessageFormatRuntimeException.class);
            Message again = consumer.receive(5000);
            assertThat(again.getBody(String.class)).isEqualTo("not a number");
            assertThat(again.getJMSRedelivered()).isTrue();
        }
    }

    @Test
    void contextsShareTheConnectionAndTransactedContextsCommit() throws Exception {
        try (JMSContext ctx = factory().createContext(JMSContext.SESSION_TRANSACTED)) {
            assertThat(ctx.getTransacted()).isTrue();
            assertThat(ctx.getSessionMode()).isEqualTo(JMSContext.SESSION_TRANSACTED);
            Topic t = ctx.createTopic(unique("ctx-tx"));
            try (JMSContext reader = ctx.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                JMSConsumer consumer = reader.createConsumer(t);
                ctx.createProducer().send(t, "held");
                assertThat(consumer.receive(200)).isNull();
                ctx.commit();
                assertThat(consumer.receiveBody(String.class, 5000)).isEqualTo("held");
            }
            // The first context still works after the second closed.
            ctx.createProducer().send(t, "still open");
            ctx.rollback();
        }
    }

    @Test
    void asyncSendCallsTheCompletionListenerWithTheMessageId() throws Exception {
        try (JMSContext ctx = factory().createContext()) {
            Topic t = ctx.createTopic(unique("async"));
            JMSConsumer consumer = ctx.createConsumer(t);
            CompletableFuture<Message> done = new CompletableFuture<>();
            Thread sender = Thread.currentThread();
            ctx.createProducer().setAsync(new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    if (Thread.currentThread() == sender) {
                        done.completeExceptionally(new AssertionError("called on the sending thread"));
                    }
                    done.complete(message);
                }

                @Override
                public void onException(Message message, Exception exception) {
                    done.completeExceptionally(exception);
                }
            }).send(t, "async");
            Message sent = done.get(5, TimeUnit.SECONDS);
            assertThat(sent.getJMSMessageID()).startsWith("ID:");
            Message got = consumer.receive(5000);
            assertThat(got.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
        }
    }
}
