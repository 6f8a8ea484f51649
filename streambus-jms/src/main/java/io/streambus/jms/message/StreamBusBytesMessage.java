package io.streambus.jms.message;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;

/**
 * A message whose body is a stream of bytes, written and read with {@link java.io.DataOutput}/{@link
 * java.io.DataInput} layouts. New messages are write-only until {@link #reset()}; received ones are read-only.
 * Not thread-safe.
 */
public class StreamBusBytesMessage extends StreamBusMessage implements BytesMessage {
    private static final byte[] EMPTY = new byte[0];

    private ByteArrayOutputStream bytesOut;
    private DataOutputStream out;
    private byte[] data = EMPTY;
    private DataInputStream in;

    public StreamBusBytesMessage() {
        // The write streams come with the first write: a received message (most of them) never needs them.
    }

    private void startWriting() {
        bytesOut = new ByteArrayOutputStream(64);
        out = new DataOutputStream(bytesOut);
        in = null;
    }

    private DataOutputStream out() throws JMSException {
        checkWritable();
        if (out == null) {
            // After clearBody on a read-only message the body starts empty and writable.
            startWriting();
        }
        return out;
    }

    private DataInputStream in() throws MessageNotReadableException {
        if (!bodyReadOnly) {
            throw new MessageNotReadableException("this BytesMessage is write-only; call reset() before reading");
        }
        if (in == null) {
            in = new DataInputStream(new ByteArrayInputStream(data));
        }
        return in;
    }

    @Override
    public long getBodyLength() throws JMSException {
        if (!bodyReadOnly) {
            throw new MessageNotReadableException("getBodyLength needs read mode; call reset() first");
        }
        return data.length;
    }

    private static JMSException readFailure(IOException e) {
        JMSException j = e instanceof EOFException ? new MessageEOFException("end of the BytesMessage body reached")
                : e instanceof UTFDataFormatException ? new MessageFormatException("malformed UTF data: " + e.getMessage())
                : new JMSException("cannot read the BytesMessage body: " + e);
        j.setLinkedException(e);
        j.initCause(e);
        return j;
    }

    private static JMSException writeFailure(IOException e) {
        JMSException j = new JMSException("cannot write the BytesMessage body: " + e);
        j.setLinkedException(e);
        j.initCause(e);
        return j;
    }

    @Override
    public boolean readBoolean() throws JMSException {
        try {
            return in().readBoolean();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public byte readByte() throws JMSException {
        try {
            return in().readByte();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public int readUnsignedByte() throws JMSException {
        try {
            return in().readUnsignedByte();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public short readShort() throws JMSException {
        try {
            return in().readShort();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public int readUnsignedShort() throws JMSException {
        try {
            return in().readUnsignedShort();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public char readChar() throws JMSException {
        try {
            return in().readChar();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public int readInt() throws JMSException {
        try {
            return in().readInt();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public long readLong() throws JMSException {
        try {
            return in().readLong();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public float readFloat() throws JMSException {
        try {
            return in().readFloat();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public double readDouble() throws JMSException {
        try {
            return in().readDouble();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public String readUTF() throws JMSException {
        try {
            return in().readUTF();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public int readBytes(byte[] value) throws JMSException {
        return readBytes(value, value.length);
    }

    @Override
    public int readBytes(byte[] value, int length) throws JMSException {
        if (length < 0 || length > value.length) {
            throw new IndexOutOfBoundsException("length " + length + " outside 0.." + value.length);
        }
        try {
            DataInputStream s = in();
            if (length == 0) {
                return s.available() > 0 ? 0 : -1;
            }
            int n = s.read(value, 0, length);
            return n;
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        try {
            out().writeBoolean(value);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        try {
            out().writeByte(value);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeShort(short value) throws JMSException {
        try {
            out().writeShort(value);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeChar(char value) throws JMSException {
        try {
            out().writeChar(value);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeInt(int value) throws JMSException {
        try {
            out().writeInt(value);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeLong(long value) throws JMSException {
        try {
            out().writeLong(value);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        try {
            out().writeFloat(value);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        try {
            out().writeDouble(value);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeUTF(String value) throws JMSException {
        try {
            out().writeUTF(value);
        } catch (UTFDataFormatException e) {
            MessageFormatException mfe = new MessageFormatException("string too long for writeUTF: " + e.getMessage());
            mfe.setLinkedException(e);
            throw mfe;
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        writeBytes(value, 0, value.length);
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        try {
            out().write(value, offset, length);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public void writeObject(Object value) throws JMSException {
        if (value == null) {
            throw new NullPointerException("BytesMessage.writeObject(null)");
        }
        checkWritable();
        if (value instanceof Boolean v) {
            writeBoolean(v);
        } else if (value instanceof Byte v) {
            writeByte(v);
        } else if (value instanceof Short v) {
            writeShort(v);
        } else if (value instanceof Character v) {
            writeChar(v);
        } else if (value instanceof Integer v) {
            writeInt(v);
        } else if (value instanceof Long v) {
            writeLong(v);
        } else if (value instanceof Float v) {
            writeFloat(v);
        } else if (value instanceof Double v) {
            writeDouble(v);
        } else if (value instanceof String v) {
            writeUTF(v);
        } else if (value instanceof byte[] v) {
            writeBytes(v);
        } else {
            throw new MessageFormatException("BytesMessage.writeObject cannot write a " + value.getClass().getName());
        }
    }

    @Override
    public void reset() {
        if (!bodyReadOnly) {
            if (bytesOut != null) {
                data = bytesOut.toByteArray();
            }
            bytesOut = null;
            out = null;
            bodyReadOnly = true;
        }
        in = null;
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        data = EMPTY;
        startWriting();
    }

    @Override
    public void setReadOnly() {
        reset();
        super.setReadOnly();
    }

    private byte[] currentBytes() {
        return bodyReadOnly || bytesOut == null ? data : bytesOut.toByteArray();
    }

    @Override
    protected Object bodyObject() {
        byte[] b = currentBytes();
        return b.length == 0 ? null : b.clone();
    }

    @Override
    public String bodyType() {
        return "bytes";
    }

    @Override
    public byte[] encodeBody() {
        byte[] b = currentBytes();
        return b.length == 0 ? null : b;
    }

    @Override
    public void decodeBody(byte[] value) {
        data = value;
        bytesOut = null;
        out = null;
        in = null;
    }
}
