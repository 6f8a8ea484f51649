package io.streambus.jms.ra;

import static io.streambus.jms.ra.RuntimeExceptions.rt;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link JMSProducer} of a {@link StreamBusRaContext}: settings and message properties kept here, applied to each
 * message sent through the context's anonymous producer. Asynchronous sends are refused in a Jakarta EE container
 * (JMS 3.1 §12.2 lists {@code setAsync}). Thread-safety: one thread at a time, as its context.
 */
final class StreamBusRaProducer implements JMSProducer {
    private final Session session;
    private final MessageProducer producer;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private boolean disableMessageID;
    private boolean disableMessageTimestamp;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive;
    private long deliveryDelay;
    private String correlationID;
    private byte[] correlationIDBytes;
    private String type;
    private Destination replyTo;

    StreamBusRaProducer(Session session, MessageProducer producer) {
        this.session = session;
        this.producer = producer;
    }

    @Override
    public JMSProducer send(Destination destination, Message message) {
        if (message == null) {
            throw new MessageFormatRuntimeException("the message is null");
        }
        rt(() -> {
            for (Map.Entry<String, Object> e : properties.entrySet()) {
                message.setObjectProperty(e.getKey(), e.getValue());
            }
            if (correlationIDBytes != null) {
                message.setJMSCorrelationIDAsBytes(correlationIDBytes);
            } else if (correlationID != null) {
                message.setJMSCorrelationID(correlationID);
            }
            if (type != null) {
                message.setJMSType(type);
            }
            if (replyTo != null) {
                message.setJMSReplyTo(replyTo);
            }
            producer.setDisableMessageID(disableMessageID);
            producer.setDisableMessageTimestamp(disableMessageTimestamp);
            producer.setDeliveryDelay(deliveryDelay);
            producer.send(destination, message, deliveryMode, priority, timeToLive);
            return null;
        });
        return this;
    }

    @Override
    public JMSProducer send(Destination destination, String body) {
        return send(destination, rt(() -> session.createTextMessage(body)));
    }

    @Override
    public JMSProducer send(Destination destination, Map<String, Object> body) {
        MapMessage m = rt(session::createMapMessage);
        if (body != null) {
            rt(() -> {
                for (Map.Entry<String, Object> e : body.entrySet()) {
                    m.setObject(e.getKey(), e.getValue());
                }
                return null;
            });
        }
        return send(destination, m);
    }

    @Override
    public JMSProducer send(Destination destination, byte[] body) {
        BytesMessage m = rt(session::createBytesMessage);
        if (body != null) {
            rt(() -> {
                m.writeBytes(body);
                return null;
            });
        }
        return send(destination, m);
    }

    @Override
    public JMSProducer send(Destination destination, Serializable body) {
        return send(destination, rt(() -> session.createObjectMessage(body)));
    }

    // ---------------------------------------------------------------- settings

    @Override
    public JMSProducer setDisableMessageID(boolean value) {
        disableMessageID = value;
        return this;
    }

    @Override
    public boolean getDisableMessageID() {
        return disableMessageID;
    }

    @Override
    public JMSProducer setDisableMessageTimestamp(boolean value) {
        disableMessageTimestamp = value;
        return this;
    }

    @Override
    public boolean getDisableMessageTimestamp() {
        return disableMessageTimestamp;
    }

    @Override
    public JMSProducer setDeliveryMode(int mode) {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new jakarta.jms.JMSRuntimeException("invalid delivery mode " + mode);
        }
        deliveryMode = mode;
        return this;
    }

    @Override
    public int getDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public JMSProducer setPriority(int value) {
        if (value < 0 || value > 9) {
            throw new jakarta.jms.JMSRuntimeException("priority must be 0-9, got " + value);
        }
        priority = value;
        return this;
    }

    @Override
    public int getPriority() {
        return priority;
    }

    @Override
    public JMSProducer setTimeToLive(long value) {
        timeToLive = value;
        return this;
    }

    @Override
    public long getTimeToLive() {
        return timeToLive;
    }

    @Override
    public JMSProducer setDeliveryDelay(long value) {
        deliveryDelay = value;
        return this;
    }

    @Override
    public long getDeliveryDelay() {
        return deliveryDelay;
    }

    /** Refused with a completion listener: asynchronous sends are not allowed in a Jakarta EE container. */
    @Override
    public JMSProducer setAsync(CompletionListener completionListener) {
        if (completionListener != null) {
            throw new jakarta.jms.IllegalStateRuntimeException("asynchronous sends are not allowed in a Jakarta EE "
                    + "container (JMS 3.1 section 12.2)");
        }
        return this;
    }

    @Override
    public CompletionListener getAsync() {
        return null;
    }

    // ---------------------------------------------------------------- properties

    private JMSProducer property(String name, Object value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a property name must not be null or empty");
        }
        // Validate name and value the provider's way, on a scratch message.
        rt(() -> {
            session.createMessage().setObjectProperty(name, value);
            return null;
        });
        properties.put(name, value);
        return this;
    }

    @Override
    public JMSProducer setProperty(String name, boolean value) {
        return property(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, byte value) {
        return property(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, short value) {
        return property(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, int value) {
        return property(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, long value) {
        return property(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, float value) {
        return property(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, double value) {
        return property(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, String value) {
        return property(name, value);
    }

    @Override
    public JMSProducer setProperty(String name, Object value) {
        return property(name, value);
    }

    @Override
    public JMSProducer clearProperties() {
        properties.clear();
        return this;
    }

    @Override
    public boolean propertyExists(String name) {
        return properties.containsKey(name);
    }

    /** Reads a property with the JMS conversion rules (through a scratch message of the provider). */
    private <T> T read(String name, MessageRead<T> read) {
        return rt(() -> {
            Message m = session.createMessage();
            if (properties.containsKey(name)) {
                m.setObjectProperty(name, properties.get(name));
            }
            return read.read(m);
        });
    }

    @FunctionalInterface
    private interface MessageRead<T> {
        T read(Message m) throws JMSException;
    }

    @Override
    public boolean getBooleanProperty(String name) {
        return read(name, m -> m.getBooleanProperty(name));
    }

    @Override
    public byte getByteProperty(String name) {
        return read(name, m -> m.getByteProperty(name));
    }

    @Override
    public short getShortProperty(String name) {
        return read(name, m -> m.getShortProperty(name));
    }

    @Override
    public int getIntProperty(String name) {
        return read(name, m -> m.getIntProperty(name));
    }

    @Override
    public long getLongProperty(String name) {
        return read(name, m -> m.getLongProperty(name));
    }

    @Override
    public float getFloatProperty(String name) {
        return read(name, m -> m.getFloatProperty(name));
    }

    @Override
    public double getDoubleProperty(String name) {
        return read(name, m -> m.getDoubleProperty(name));
    }

    @Override
    public String getStringProperty(String name) {
        return read(name, m -> m.getStringProperty(name));
    }

    @Override
    public Object getObjectProperty(String name) {
        return properties.get(name);
    }

    @Override
    public Set<String> getPropertyNames() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(properties.keySet()));
    }

    // ---------------------------------------------------------------- header fields

    @Override
    public JMSProducer setJMSCorrelationIDAsBytes(byte[] correlationID) {
        this.correlationIDBytes = correlationID == null ? null : correlationID.clone();
        this.correlationID = null;
        return this;
    }

    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        if (correlationIDBytes != null) {
            return correlationIDBytes.clone();
        }
        return correlationID == null ? null : correlationID.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public JMSProducer setJMSCorrelationID(String correlationID) {
        this.correlationID = correlationID;
        this.correlationIDBytes = null;
        return this;
    }

    @Override
    public String getJMSCorrelationID() {
        if (correlationID == null && correlationIDBytes != null) {
            return new String(correlationIDBytes, StandardCharsets.UTF_8);
        }
        return correlationID;
    }

    @Override
    public JMSProducer setJMSType(String type) {
        this.type = type;
        return this;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public JMSProducer setJMSReplyTo(Destination replyTo) {
        this.replyTo = replyTo;
        return this;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }
}
