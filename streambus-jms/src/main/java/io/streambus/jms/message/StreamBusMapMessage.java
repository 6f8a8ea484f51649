package io.streambus.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.MessageFormatException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A message whose body is a set of named, typed values (JMS conversion rules apply on read). Not thread-safe. */
public class StreamBusMapMessage extends StreamBusMessage implements MapMessage {
    private Map<String, Object> map = new LinkedHashMap<>();

    private Object get(String name) {
        return map.get(name);
    }

    private void put(String name, Object value) throws JMSException {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a MapMessage entry name must not be null or empty");
        }
        checkWritable();
        map.put(name, value);
    }

    @Override
    public boolean getBoolean(String name) throws JMSException {
        return Conversions.toBoolean(get(name));
    }

    @Override
    public byte getByte(String name) throws JMSException {
        return Conversions.toByte(get(name));
    }

    @Override
    public short getShort(String name) throws JMSException {
        return Conversions.toShort(get(name));
    }

    @Override
    public char getChar(String name) throws JMSException {
        return Conversions.toChar(get(name));
    }

    @Override
    public int getInt(String name) throws JMSException {
        return Conversions.toInt(get(name));
    }

    @Override
    public long getLong(String name) throws JMSException {
        return Conversions.toLong(get(name));
    }

    @Override
    public float getFloat(String name) throws JMSException {
        return Conversions.toFloat(get(name));
    }

    @Override
    public double getDouble(String name) throws JMSException {
        return Conversions.toDouble(get(name));
    }

    @Override
    public String getString(String name) throws JMSException {
        return Conversions.toStringValue(get(name));
    }

    @Override
    public byte[] getBytes(String name) throws JMSException {
        byte[] b = Conversions.toBytes(get(name));
        return b == null ? null : b.clone();
    }

    @Override
    public Object getObject(String name) {
        return Conversions.copied(get(name));
    }

    @Override
    public Enumeration<String> getMapNames() {
        return Collections.enumeration(List.copyOf(map.keySet()));
    }

    @Override
    public void setBoolean(String name, boolean value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setByte(String name, byte value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setShort(String name, short value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setChar(String name, char value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setInt(String name, int value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setLong(String name, long value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setFloat(String name, float value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setDouble(String name, double value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setString(String name, String value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setBytes(String name, byte[] value) throws JMSException {
        put(name, Conversions.copied(value));
    }

    @Override
    public void setBytes(String name, byte[] value, int offset, int length) throws JMSException {
        put(name, Conversions.copied(value, offset, length));
    }

    @Override
    public void setObject(String name, Object value) throws JMSException {
        put(name, Conversions.bodyValue(value, "MapMessage entry '" + name + "'"));
    }

    @Override
    public boolean itemExists(String name) {
        return map.containsKey(name);
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        map = new LinkedHashMap<>();
    }

    @Override
    protected Object bodyObject() {
        return map.isEmpty() ? null : new LinkedHashMap<>(map);
    }

    @Override
    public String bodyType() {
        return "map";
    }

    @Override
    public byte[] encodeBody() {
        return map.isEmpty() ? null : TypedValues.encodeMap(map);
    }

    @Override
    public void decodeBody(byte[] value) throws JMSException {
        try {
            map = TypedValues.decodeMap(value);
        } catch (IllegalArgumentException e) {
            throw new MessageFormatException("malformed MapMessage body: " + e.getMessage());
        }
    }
}
