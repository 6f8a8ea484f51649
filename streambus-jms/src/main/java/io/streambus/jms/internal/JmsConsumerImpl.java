package io.streambus.jms.internal;

import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageListener;

/** The simplified-API consumer: a {@link JmsMessageConsumer} with runtime exceptions. Not thread-safe. */
final class JmsConsumerImpl implements JMSConsumer {
    private final JmsMessageConsumer consumer;

    JmsConsumerImpl(JmsMessageConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public String getMessageSelector() {
        return JmsContextImpl.rt(consumer::getMessageSelector);
    }

    @Override
    public MessageListener getMessageListener() throws JMSRuntimeException {
        return JmsContextImpl.rt(consumer::getMessageListener);
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSRuntimeException {
        JmsContextImpl.rt(() -> {
            consumer.setMessageListener(listener);
            return null;
        });
    }

    @Override
    public Message receive() {
        return JmsContextImpl.rt(consumer::receive);
    }

    @Override
    public Message receive(long timeout) {
        return JmsContextImpl.rt(() -> consumer.receive(timeout));
    }

    @Override
    public Message receiveNoWait() {
        return JmsContextImpl.rt(consumer::receiveNoWait);
    }

    @Override
    public void close() {
        JmsContextImpl.rt(() -> {
            consumer.close();
            return null;
        });
    }

    @Override
    public <T> T receiveBody(Class<T> c) {
        return body(c, -1);
    }

    @Override
    public <T> T receiveBody(Class<T> c, long timeout) {
        return body(c, timeout <= 0 ? -1 : timeout);
    }

    @Override
    public <T> T receiveBodyNoWait(Class<T> c) {
        return body(c, 0);
    }

    /**
     * Receives and converts the body; a body of another type is not acknowledged in the auto modes, so the message
     * is delivered again (JMS 3.1 JMSConsumer.receiveBody).
     */
    private <T> T body(Class<T> c, long timeout) {
        return JmsContextImpl.rt(() -> {
            if (consumer.listener() != null) {
                throw new jakarta.jms.IllegalStateException("receive is not allowed while a MessageListener is set");
            }
            StreamBusMessage m = consumer.next(timeout);
            if (m == null) {
                return null;
            }
            AckPolicy policy = consumer.session().ackPolicy();
            T body;
            try {
                body = m.getBody(c);
            } catch (MessageFormatException e) {
                policy.bodyRejected(consumer);
                throw e;
            }
            policy.afterReceive(consumer);
            return body;
        });
    }

    JmsMessageConsumer delegate() {
        return consumer;
    }

    @Override
    public String toString() {
        return "JMSConsumer[" + consumer + "]";
    }

}
