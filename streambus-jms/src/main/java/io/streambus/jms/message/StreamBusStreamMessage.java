package io.streambus.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.StreamMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A message whose body is a sequence of typed values read back in order (JMS conversion rules apply). New messages
 * are write-only until {@link #reset()}; received ones are read-only. A failed conversion does not move the read
 * position, as the specification requires. Not thread-safe.
 */
public class StreamBusStreamMessage extends StreamBusMessage implements StreamMessage {
    private List<Object> values = new ArrayList<>();
    private int position;
    /** Bytes of the current byte[] field already returned by readBytes, or -1 when not inside one. */
    private int bytesRead = -1;

    @FunctionalInterface
    private interface Reader<T> {
        T read(Object value) throws JMSException;
    }

    private <T> T read(Reader<T> reader) throws JMSException {
        if (!bodyReadOnly) {
            throw new MessageNotReadableException("this StreamMessage is write-only; call reset() before reading");
        }
        if (bytesRead >= 0) {
            throw new MessageFormatException("the byte[] field at position " + position
                    + " has not been read to its end with readBytes");
        }
        if (position >= values.size()) {
            throw new MessageEOFException("end of the StreamMessage body reached");
        }
        // Convert first, advance only on success.
        T v = reader.read(values.get(position));
        position++;
        return v;
    }

    @Override
    public boolean readBoolean() throws JMSException {
        return read(Conversions::toBoolean);
    }

    @Override
    public byte readByte() throws JMSException {
        return read(Conversions::toByte);
    }

    @Override
    public short readShort() throws JMSException {
        return read(Conversions::toShort);
    }

    @Override
    public char readChar() throws JMSException {
        return read(Conversions::toChar);
    }

    @Override
    public int readInt() throws JMSException {
        return read(Conversions::toInt);
    }

    @Override
    public long readLong() throws JMSException {
        return read(Conversions::toLong);
    }

    @Override
    public float readFloat() throws JMSException {
        return read(Conversions::toFloat);
    }

    @Override
    public double readDouble() throws JMSException {
        return read(Conversions::toDouble);
    }

    @Override
    public String readString() throws JMSException {
        return read(Conversions::toStringValue);
    }

    @Override
    public Object readObject() throws JMSException {
        return read(Conversions::copied);
    }

    @Override
    public int readBytes(byte[] value) throws JMSException {
        if (!bodyReadOnly) {
            throw new MessageNotReadableException("this StreamMessage is write-only; call reset() before reading");
        }
        if (position >= values.size()) {
            throw new MessageEOFException("end of the StreamMessage body reached");
        }
        Object field = values.get(position);
        if (field == null) {
            position++;
            return -1;
        }
        if (!(field instanceof byte[] bytes)) {
            throw Conversions.bad(field, "byte[]");
        }
        int done = Math.max(bytesRead, 0);
        if (done == bytes.length && bytesRead >= 0) {
            // The whole field was returned by earlier calls: report its end and move on.
            bytesRead = -1;
            position++;
            return -1;
        }
        int n = Math.min(value.length, bytes.length - done);
        System.arraycopy(bytes, done, value, 0, n);
        bytesRead = done + n;
        if (bytesRead == bytes.length && n < value.length) {
            // Shorter than the buffer: the field is complete with this call.
            bytesRead = -1;
            position++;
        }
        return n;
    }

    private void write(Object value) throws JMSException {
        checkWritable();
        values.add(value);
    }

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        write(value);
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        write(value);
    }

    @Override
    public void writeShort(short value) throws JMSException {
        write(value);
    }

    @Override
    public void writeChar(char value) throws JMSException {
        write(value);
    }

    @Override
    public void writeInt(int value) throws JMSException {
        write(value);
    }

    @Override
    public void writeLong(long value) throws JMSException {
        write(value);
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        write(value);
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        write(value);
    }

    @Override
    public void writeString(String value) throws JMSException {
        write(value);
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        write(Conversions.copied(value));
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        write(Conversions.copied(value, offset, length));
    }

    @Override
    public void writeObject(Object value) throws JMSException {
        write(Conversions.bodyValue(value, "StreamMessage.writeObject"));
    }

    @Override
    public void reset() {
        bodyReadOnly = true;
        position = 0;
        bytesRead = -1;
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        values = new ArrayList<>();
        position = 0;
        bytesRead = -1;
    }

    @Override
    public void setReadOnly() {
        super.setReadOnly();
        reset();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        // JMS 3.1 Message.isBodyAssignableTo: "If the message is a StreamMessage then false is returned".
        return false;
    }

    @Override
    protected Object bodyObject() throws JMSException {
        throw new MessageFormatException("getBody may not be called on a StreamMessage");
    }

    @Override
    public String bodyType() {
        return "stream";
    }

    @Override
    public byte[] encodeBody() {
        return values.isEmpty() ? null : TypedValues.encodeStream(values);
    }

    @Override
    public void decodeBody(byte[] value) throws JMSException {
        try {
            values = TypedValues.decodeStream(value);
        } catch (IllegalArgumentException e) {
            throw new MessageFormatException("malformed StreamMessage body: " + e.getMessage());
        }
        position = 0;
        bytesRead = -1;
    }
}
