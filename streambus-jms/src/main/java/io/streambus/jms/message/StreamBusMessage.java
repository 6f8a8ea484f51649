package io.streambus.jms.message;

import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A JMS message without a body, and the base of the five body types. Holds the JMS header fields and the typed
 * properties; the record encoding lives in the provider's internal codec.
 *
 * <p>Like every JMS message, not thread-safe: a message is used by one thread at a time.
 *
 * <p>The methods marked "provider use" are called by the StreamBus JMS provider when it delivers a message;
 * applications have no reason to call them.
 */
public class StreamBusMessage implements Message {

    /** Words a property name must not be (JMS 3.1 §3.8.1.1). */
    private static final Set<String> RESERVED = Set.of("NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN",
            "LIKE", "IN", "IS", "ESCAPE");

    /** Standard property that the provider sets on delivery: 1 for the first delivery, 2 after one redelivery... */
    public static final String JMSX_DELIVERY_COUNT = "JMSXDeliveryCount";
    /** Standard property naming a message group; the provider uses it as the record key (partition affinity). */
    public static final String JMSX_GROUP_ID = "JMSXGroupID";

    private String messageId;
    private long timestamp;
    private String correlationId;
    private byte[] correlationIdBytes;
    private Destination replyTo;
    private Destination destination;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private boolean redelivered;
    private String type;
    private long expiration;
    private long deliveryTime;
    private int priority = Message.DEFAULT_PRIORITY;

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private boolean propertiesReadOnly;
    /** True once delivered (or after reset for Bytes/Stream): the body is read-only until clearBody. */
    protected boolean bodyReadOnly;

    private Acknowledger acknowledger;

    /**
     * Provider use: acknowledges on behalf of {@link #acknowledge()}. Implemented by the session that delivered a
     * message; for sessions that are not CLIENT_ACKNOWLEDGE it does nothing.
     */
    @FunctionalInterface
    public interface Acknowledger {
        void acknowledge() throws JMSException;
    }

    // ---------------------------------------------------------------- header fields

    @Override
    public String getJMSMessageID() {
        return messageId;
    }

    @Override
    public void setJMSMessageID(String id) {
        this.messageId = id;
    }

    @Override
    public long getJMSTimestamp() {
        return timestamp;
    }

    @Override
    public void setJMSTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        if (correlationIdBytes != null) {
            return correlationIdBytes.clone();
        }
        return correlationId == null ? null : correlationId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void setJMSCorrelationIDAsBytes(byte[] correlationID) {
        this.correlationIdBytes = correlationID == null ? null : correlationID.clone();
        this.correlationId = null;
    }

    @Override
    public void setJMSCorrelationID(String correlationID) {
        this.correlationId = correlationID;
        this.correlationIdBytes = null;
    }

    @Override
    public String getJMSCorrelationID() {
        if (correlationId == null && correlationIdBytes != null) {
            return new String(correlationIdBytes, StandardCharsets.UTF_8);
        }
        return correlationId;
    }

    /** Provider use: true when the correlation id was set as bytes (it is then carried as raw bytes). */
    public boolean hasBinaryCorrelationId() {
        return correlationIdBytes != null;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }

    @Override
    public void setJMSReplyTo(Destination replyTo) {
        this.replyTo = replyTo;
    }

    @Override
    public Destination getJMSDestination() {
        return destination;
    }

    @Override
    public void setJMSDestination(Destination destination) {
        this.destination = destination;
    }

    @Override
    public int getJMSDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public void setJMSDeliveryMode(int deliveryMode) throws JMSException {
        if (deliveryMode != DeliveryMode.PERSISTENT && deliveryMode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException("delivery mode must be PERSISTENT (2) or NON_PERSISTENT (1), was " + deliveryMode);
        }
        this.deliveryMode = deliveryMode;
    }

    @Override
    public boolean getJMSRedelivered() {
        return redelivered;
    }

    @Override
    public void setJMSRedelivered(boolean redelivered) {
        this.redelivered = redelivered;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public void setJMSType(String type) {
        this.type = type;
    }

    @Override
    public long getJMSExpiration() {
        return expiration;
    }

    @Override
    public void setJMSExpiration(long expiration) {
        this.expiration = expiration;
    }

    @Override
    public long getJMSDeliveryTime() {
        return deliveryTime;
    }

    @Override
    public void setJMSDeliveryTime(long deliveryTime) {
        this.deliveryTime = deliveryTime;
    }

    @Override
    public int getJMSPriority() {
        return priority;
    }

    @Override
    public void setJMSPriority(int priority) throws JMSException {
        if (priority < 0 || priority > 9) {
            throw new JMSException("priority must be between 0 and 9, was " + priority);
        }
        this.priority = priority;
    }

    // ---------------------------------------------------------------- properties

    @Override
    public void clearProperties() {
        properties.clear();
        propertiesReadOnly = false;
    }

    @Override
    public boolean propertyExists(String name) {
        return properties.containsKey(name);
    }

    @Override
    public boolean getBooleanProperty(String name) throws JMSException {
        return Conversions.toBoolean(properties.get(name));
    }

    @Override
    public byte getByteProperty(String name) throws JMSException {
        return Conversions.toByte(properties.get(name));
    }

    @Override
    public short getShortProperty(String name) throws JMSException {
        return Conversions.toShort(properties.get(name));
    }

    @Override
    public int getIntProperty(String name) throws JMSException {
        return Conversions.toInt(properties.get(name));
    }

    @Override
    public long getLongProperty(String name) throws JMSException {
        return Conversions.toLong(properties.get(name));
    }

    @Override
    public float getFloatProperty(String name) throws JMSException {
        return Conversions.toFloat(properties.get(name));
    }

    @Override
    public double getDoubleProperty(String name) throws JMSException {
        return Conversions.toDouble(properties.get(name));
    }

    @Override
    public String getStringProperty(String name) throws JMSException {
        return Conversions.toStringValue(properties.get(name));
    }

    @Override
    public Object getObjectProperty(String name) {
        return properties.get(name);
    }

    @Override
    public Enumeration<String> getPropertyNames() {
        return Collections.enumeration(Set.copyOf(properties.keySet()));
    }

    @Override
    public void setBooleanProperty(String name, boolean value) throws JMSException {
        putProperty(name, value);
    }

    @Override
    public void setByteProperty(String name, byte value) throws JMSException {
        putProperty(name, value);
    }

    @Override
    public void setShortProperty(String name, short value) throws JMSException {
        putProperty(name, value);
    }

    @Override
    public void setIntProperty(String name, int value) throws JMSException {
        putProperty(name, value);
    }

    @Override
    public void setLongProperty(String name, long value) throws JMSException {
        putProperty(name, value);
    }

    @Override
    public void setFloatProperty(String name, float value) throws JMSException {
        putProperty(name, value);
    }

    @Override
    public void setDoubleProperty(String name, double value) throws JMSException {
        putProperty(name, value);
    }

    @Override
    public void setStringProperty(String name, String value) throws JMSException {
        putProperty(name, value);
    }

    @Override
    public void setObjectProperty(String name, Object value) throws JMSException {
        if (value != null && !Conversions.isPropertyType(value)) {
            throw new MessageFormatException("property '" + name + "': a JMS property must be a Boolean, Byte, "
                    + "Short, Integer, Long, Float, Double or String, not " + value.getClass().getName());
        }
        putProperty(name, value);
    }

    private void putProperty(String name, Object value) throws JMSException {
        checkPropertyName(name);
        if (propertiesReadOnly) {
            throw new MessageNotWriteableException("the properties of a received message are read-only; call "
                    + "clearProperties() first (property '" + name + "')");
        }
        properties.put(name, value);
    }

    /**
     * Property names must be selector identifiers (JMS 3.1 §3.5.1, §3.8.1.1): a Java identifier, not a reserved
     * word, and the {@code JMS} prefix only as {@code JMSX...} (standard) or {@code JMS_...} (provider-specific).
     */
    static void checkPropertyName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a property name must not be null or empty");
        }
        if (!Character.isJavaIdentifierStart(name.charAt(0))) {
            throw new IllegalArgumentException("property name '" + name + "' is not a valid identifier");
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isJavaIdentifierPart(name.charAt(i))) {
                throw new IllegalArgumentException("property name '" + name + "' is not a valid identifier "
                        + "(character '" + name.charAt(i) + "')");
            }
        }
        if (RESERVED.contains(name.toUpperCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("property name '" + name + "' is a reserved selector word");
        }
        if (name.startsWith("JMS") && !name.startsWith("JMSX") && !name.startsWith("JMS_")) {
            throw new IllegalArgumentException("property name '" + name + "': names starting with JMS are reserved "
                    + "for header fields; only JMSX... and JMS_... properties may be set");
        }
    }

    /** Provider use: the property map itself (insertion order), for encoding. */
    public Map<String, Object> properties() {
        return properties;
    }

    /** Provider use: sets a property without the name and read-only checks (values from the record headers). */
    public void putPropertyUnchecked(String name, Object value) {
        properties.put(name, value);
    }

    // ---------------------------------------------------------------- acknowledgement and body

    @Override
    public void acknowledge() throws JMSException {
        Acknowledger a = acknowledger;
        if (a != null) {
            a.acknowledge();
        }
    }

    /** Provider use: who {@link #acknowledge()} calls. */
    public void setAcknowledger(Acknowledger acknowledger) {
        this.acknowledger = acknowledger;
    }

    @Override
    public void clearBody() throws JMSException {
        bodyReadOnly = false;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (!isBodyAssignableTo(c)) {
            throw new MessageFormatException("the body of this " + getClass().getSimpleName()
                    + " cannot be returned as " + c.getName());
        }
        return c.cast(bodyObject());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) throws JMSException {
        Object body = bodyObject();
        return body == null || c.isInstance(body);
    }

    /** The body as {@link #getBody(Class)} returns it; null when there is none. */
    protected Object bodyObject() throws JMSException {
        return null;
    }

    /** Provider use: the body type name carried in the record ({@code message} for a body-less message). */
    public String bodyType() {
        return "message";
    }

    /** Provider use: the body as record value bytes; null for an empty body. */
    public byte[] encodeBody() throws JMSException {
        return null;
    }

    /** Provider use: fills the body from record value bytes (never null; may be empty). */
    public void decodeBody(byte[] value) throws JMSException {
        // no body
    }

    /** Provider use: makes a received message read-only (properties and body) and ready to read. */
    public void setReadOnly() {
        propertiesReadOnly = true;
        bodyReadOnly = true;
    }

    /** Throws if the body is read-only. */
    protected final void checkWritable() throws MessageNotWriteableException {
        if (bodyReadOnly) {
            throw new MessageNotWriteableException("the body of this message is read-only; call clearBody() first");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[id=" + messageId + ", destination=" + destination + ", correlationId="
                + getJMSCorrelationID() + ", properties=" + properties.keySet() + "]";
    }
}
