package io.streambus.jms.ra;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;

/**
 * A consumer of a {@link StreamBusRaSession}: the provider's consumer, except that message listeners are refused
 * (JMS 3.1 §12.2: asynchronous delivery in a Jakarta EE container is a message-driven bean's). Thread-safety: as
 * the provider's consumer.
 */
final class StreamBusRaMessageConsumer implements QueueReceiver, TopicSubscriber {
    private final MessageConsumer delegate;

    StreamBusRaMessageConsumer(MessageConsumer delegate) {
        this.delegate = delegate;
    }

    @Override
    public String getMessageSelector() throws JMSException {
        return delegate.getMessageSelector();
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        throw new IllegalStateException("message listeners are not allowed in a Jakarta EE container (JMS 3.1 "
                + "section 12.2)");
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        throw new IllegalStateException("message listeners are not allowed in a Jakarta EE container (JMS 3.1 "
                + "section 12.2); use a message-driven bean");
    }

    @Override
    public Message receive() throws JMSException {
        return delegate.receive();
    }

    @Override
    public Message receive(long timeout) throws JMSException {
        return delegate.receive(timeout);
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        return delegate.receiveNoWait();
    }

    @Override
    public void close() throws JMSException {
        delegate.close();
    }

    @Override
    public Queue getQueue() throws JMSException {
        return ((QueueReceiver) delegate).getQueue();
    }

    @Override
    public Topic getTopic() throws JMSException {
        return ((TopicSubscriber) delegate).getTopic();
    }

    @Override
    public boolean getNoLocal() throws JMSException {
        return ((TopicSubscriber) delegate).getNoLocal();
    }

    @Override
    public String toString() {
        return "StreamBusRaMessageConsumer[" + delegate + "]";
    }
}
