package io.streambus.jms.internal;

import io.streambus.jms.message.StreamBusBytesMessage;
import io.streambus.jms.message.StreamBusMapMessage;
import io.streambus.jms.message.StreamBusMessage;
import io.streambus.jms.message.StreamBusObjectMessage;
import io.streambus.jms.message.StreamBusTextMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageProducer;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The simplified-API producer: settings and message properties applied to every message it sends, through its
 * context's anonymous {@link MessageProducer} (the provider's, or a resource adapter's handle of it). Not
 * thread-safe: one thread at a time, as its context.
 */
public final class JmsProducerImpl implements JMSProducer {
    /** The context's anonymous producer, created on first use. */
    private final Supplier<? extends MessageProducer> producer;
    /** False in a Jakarta EE container, where JMS 3.1 section 12.2 refuses asynchronous sends. */
    private final boolean asyncAllowed;
    /** Holds the properties (and their conversion rules) to set on each sent message. */
    private final StreamBusMessage properties = new StreamBusMessage();
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive;
    private long deliveryDelay;
    private boolean disableMessageId;
    private boolean disableTimestamp;
    private CompletionListener async;
    private String correlationId;
    private byte[] correlationIdBytes;
    private String type;
    private Destination replyTo;

    JmsProducerImpl(JmsContextImpl context) {
        this(context::producer, true);
    }

    /**
     * A producer that sends through {@code producer}'s anonymous MessageProducer.
     *
     * @param asyncAllowed false where asynchronous sends are refused (a Jakarta EE container)
     */
    public JmsProducerImpl(Supplier<? extends MessageProducer> producer, boolean asyncAllowed) {
        this.producer = producer;
        this.asyncAllowed = asyncAllowed;
    }

    private JMSProducer doSend(Destination destination, Message m) {
        JmsContextImpl.rt(() -> {
            for (Map.Entry<String, Object> e : properties.properties().entrySet()) {
                m.setObjectProperty(e.getKey(), e.getValue());
            }
            if (correlationIdBytes != null) {
                m.setJMSCorrelationIDAsBytes(correlationIdBytes);
            } else if (correlationId != null) {
                m.setJMSCorrelationID(correlationId);
            }
            if (type != null) {
                m.setJMSType(type);
            }
            if (replyTo != null) {
                m.setJMSReplyTo(replyTo);
            }
            MessageProducer p = producer.get();
            p.setDeliveryDelay(deliveryDelay);
            p.setDisableMessageID(disableMessageId);
            p.setDisableMessageTimestamp(disableTimestamp);
            if (async == null) {
                p.send(destination, m, deliveryMode, priority, timeToLive);
            } else {
                p.send(destination, m, deliveryMode, priority, timeToLive, async);
            }
            return null;
        });
        return this;
    }

    @Override
    public JMSProducer send(Destination destination, Message message) {
        if (message == null) {
            throw new MessageFormatRuntimeException("cannot send a null message");
        }
        return doSend(destination, message);
    }

    @Override
    public JMSProducer send(Destination destination, String body) {
        return doSend(destination, new StreamBusTextMessage(body));
    }

    @Override
    public JMSProducer send(Destination destination, Map<String, Object> body) {
        StreamBusMapMessage m = new StreamBusMapMessage();
        if (body != null) {
            JmsContextImpl.rt(() -> {
                for (Map.Entry<String, Object> e : body.entrySet()) {
                    m.setObject(e.getKey(), e.getValue());
                }
                return null;
            });
        }
        return doSend(destination, m);
    }

    @Override
    public JMSProducer send(Destination destination, byte[] body) {
        StreamBusBytesMessage m = new StreamBusBytesMessage();
        if (body != null) {
            JmsContextImpl.rt(() -> {
                m.writeBytes(body);
                return null;
            });
        }
        return doSend(destination, m);
    }

    @Override
    public JMSProducer send(Destination destination, Serializable body) {
        StreamBusObjectMessage m = new StreamBusObjectMessage();
        JmsContextImpl.rt(() -> {
            m.setObject(body);
            return null;
        });
        return doSend(destination, m);
    }

    @Override
    public JMSProducer setDisableMessageID(boolean value) {
        disableMessageId = value;
        return this;
    }

    @Override
    public boolean getDisableMessageID() {
        return disableMessageId;
    }

    @Override
    public JMSProducer setDisableMessageTimestamp(boolean value) {
        disableTimestamp = value;
        return this;
    }

    @Override
    public boolean getDisableMessageTimestamp() {
        return disableTimestamp;
    }

    @Override
    public JMSProducer setDeliveryMode(int mode) {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new jakarta.jms.JMSRuntimeException("delivery mode must be PERSISTENT or NON_PERSISTENT, got "
                    + mode);
        }
        deliveryMode = mode;
        return this;
    }

    @Override
    public int getDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public JMSProducer setPriority(int p) {
        if (p < 0 || p > 9) {
            throw new jakarta.jms.JMSRuntimeException("priority must be 0-9, got " + p);
        }
        priority = p;
        return this;
    }

    @Override
    public int getPriority() {
        return priority;
    }

    @Override
    public JMSProducer setTimeToLive(long ttl) {
        timeToLive = ttl;
        return this;
    }

    @Override
    public long getTimeToLive() {
        return timeToLive;
    }

    @Override
    public JMSProducer setDeliveryDelay(long delay) {
        if (delay < 0) {
            throw new jakarta.jms.JMSRuntimeException("delivery delay must be >= 0, got " + delay);
        }
        deliveryDelay = delay;
        return this;
    }

    @Override
    public long getDeliveryDelay() {
        return deliveryDelay;
    }

    @Override
    public JMSProducer setAsync(CompletionListener completionListener) {
        if (completionListener != null && !asyncAllowed) {
            throw new IllegalStateRuntimeException("asynchronous sends are not allowed in a Jakarta EE container "
                    + "(JMS 3.1 section 12.2)");
        }
        async = completionListener;
        return this;
    }

    @Override
    public CompletionListener getAsync() {
        return async;
    }

    private JMSProducer set(String name, Object value) {
        JmsContextImpl.rt(() -> {
            properties.setObjectProperty(name, value);
            return null;
        });
        return this;
    }

    @Override
    public JMSProducer setProperty(String name, boolean value) {
        return set(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, byte value) {
        return set(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, short value) {
        return set(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, int value) {
        return set(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, long value) {
        return set(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, float value) {
        return set(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, double value) {
        return set(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, String value) {
        return set(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, Object value) {
        return set(name, value);
    }

    @Override
    public JMSProducer clearProperties() {
        properties.clearProperties();
        return this;
    }

    @Override
    public boolean propertyExists(String name) {
        return properties.propertyExists(name);
    }

    @Override
    public boolean getBooleanProperty(String name) {
        return JmsContextImpl.rt(() -> properties.getBooleanProperty(name));
    }

    @Override
    public byte getByteProperty(String name) {
        return JmsContextImpl.rt(() -> properties.getByteProperty(name));
    }

    @Override
    public short getShortProperty(String name) {
        return JmsContextImpl.rt(() -> properties.getShortProperty(name));
    }

    @Override
    public int getIntProperty(String name) {
        return JmsContextImpl.rt(() -> properties.getIntProperty(name));
    }

    @Override
    public long getLongProperty(String name) {
        return JmsContextImpl.rt(() -> properties.getLongProperty(name));
    }

    @Override
    public float getFloatProperty(String name) {
        return JmsContextImpl.rt(() -> properties.getFloatProperty(name));
    }

    @Override
    public double getDoubleProperty(String name) {
        return JmsContextImpl.rt(() -> properties.getDoubleProperty(name));
    }

    @Override
    public String getStringProperty(String name) {
        return JmsContextImpl.rt(() -> properties.getStringProperty(name));
    }

    @Override
    public Object getObjectProperty(String name) {
        return properties.getObjectProperty(name);
    }

    @Override
    public Set<String> getPropertyNames() {
        return Collections.unmodifiableSet(new HashSet<>(properties.properties().keySet()));
    }

    @Override
    public JMSProducer setJMSCorrelationIDAsBytes(byte[] id) {
        correlationIdBytes = id == null ? null : id.clone();
        correlationId = null;
        return this;
    }

    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        return correlationIdBytes == null ? null : correlationIdBytes.clone();
    }

    @Override
    public JMSProducer setJMSCorrelationID(String id) {
        correlationId = id;
        correlationIdBytes = null;
        return this;
    }

    @Override
    public String getJMSCorrelationID() {
        return correlationId;
    }

    @Override
    public JMSProducer setJMSType(String t) {
        type = t;
        return this;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public JMSProducer setJMSReplyTo(Destination destination) {
        replyTo = destination;
        return this;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }
}
