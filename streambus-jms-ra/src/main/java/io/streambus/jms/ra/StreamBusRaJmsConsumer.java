package io.streambus.jms.ra;

import static io.streambus.jms.ra.RuntimeExceptions.rt;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;

/**
 * A {@link JMSConsumer} of a {@link StreamBusRaContext}: its session's consumer with runtime exceptions; message
 * listeners are refused (JMS 3.1 §12.2). Thread-safety: as the consumer.
 */
final class StreamBusRaJmsConsumer implements JMSConsumer {
    private final MessageConsumer consumer;

    StreamBusRaJmsConsumer(MessageConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public String getMessageSelector() {
        return rt(consumer::getMessageSelector);
    }

    @Override
    public MessageListener getMessageListener() throws JMSRuntimeException {
        return rt(consumer::getMessageListener);
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSRuntimeException {
        rt(() -> {
            consumer.setMessageListener(listener);
            return null;
        });
    }

    @Override
    public Message receive() {
        return rt(consumer::receive);
    }

    @Override
    public Message receive(long timeout) {
        return rt(() -> consumer.receive(timeout));
    }

    @Override
    public Message receiveNoWait() {
        return rt(consumer::receiveNoWait);
    }

    @Override
    public void close() {
        rt(() -> {
            consumer.close();
            return null;
        });
    }

    @Override
    public <T> T receiveBody(Class<T> c) {
        return body(receive(), c);
    }

    @Override
    public <T> T receiveBody(Class<T> c, long timeout) {
        return body(receive(timeout), c);
    }

    @Override
    public <T> T receiveBodyNoWait(Class<T> c) {
        return body(receiveNoWait(), c);
    }

    private static <T> T body(Message m, Class<T> c) {
        if (m == null) {
            return null;
        }
        return rt(() -> {
            if (!m.isBodyAssignableTo(c)) {
                throw new jakarta.jms.MessageFormatException("the body of " + m.getJMSMessageID()
                        + " cannot be read as " + c.getName());
            }
            return m.getBody(c);
        });
    }

    @Override
    public String toString() {
        return "StreamBusRaJmsConsumer[" + consumer + "]";
    }
}
