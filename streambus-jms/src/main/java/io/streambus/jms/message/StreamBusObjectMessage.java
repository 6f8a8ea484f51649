package io.streambus.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ObjectMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * A message whose body is a serialized Java object. The object is serialized when it is set (so later changes to it
 * are not sent) and deserialized on {@link #getObject()} only if every class in the stream passes the
 * {@link DeserializationPolicy} of the connection factory and the stream stays within its limits (depth,
 * references, bytes, array lengths); anything else is refused with a {@link MessageFormatException} naming the
 * class or the limit, before any expensive work on the rejected graph. Not thread-safe.
 */
public class StreamBusObjectMessage extends StreamBusMessage implements ObjectMessage {
    private byte[] serialized;
    private DeserializationPolicy policy = DeserializationPolicy.defaultPolicy();

    public StreamBusObjectMessage() {
    }

    /** Provider use: the allowlist applied by {@link #getObject()} on this (received) message. */
    public void setDeserializationPolicy(DeserializationPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void setObject(Serializable object) throws JMSException {
        checkWritable();
        if (object == null) {
            serialized = null;
            return;
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(object);
        } catch (IOException e) {
            MessageFormatException mfe = new MessageFormatException("cannot serialize " + object.getClass().getName()
                    + ": " + e);
            mfe.setLinkedException(e);
            mfe.initCause(e);
            throw mfe;
        }
        serialized = bos.toByteArray();
    }

    @Override
    public Serializable getObject() throws JMSException {
        if (serialized == null) {
            return null;
        }
        ObjectInputFilter filter = policy.filter();
        String[] rejected = new String[1];
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized)) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException,
                    ClassNotFoundException {
                // Prefer the application's class loader (containers), fall back to the default lookup.
                ClassLoader cl = Thread.currentThread().getContextClassLoader();
                if (cl != null) {
                    try {
                        return Class.forName(desc.getName(), false, cl);
                    } catch (ClassNotFoundException ignored) {
                        // fall through
                    }
                }
                return super.resolveClass(desc);
            }
        }) {
            in.setObjectInputFilter(info -> {
                ObjectInputFilter.Status st = filter.checkInput(info);
                if (st == ObjectInputFilter.Status.REJECTED && rejected[0] == null) {
                    String limit = policy.limitViolation(info);
                    Class<?> c = info.serialClass();
                    rejected[0] = limit != null ? limit + " (connection factory setting objectMessageLimits, now '"
                            + policy.limits() + "')"
                            : c != null ? "class " + c.getName() + " is not allowed; classes must be allowed by the"
                            + " connection factory's objectMessageAllowList (now '" + policy.pattern() + "')"
                            : "a stream limit of objectMessageAllowList '" + policy.pattern() + "' (depth "
                            + info.depth() + ", references " + info.references() + ", bytes " + info.streamBytes()
                            + ")";
                }
                return st;
            });
            return (Serializable) in.readObject();
        } catch (InvalidClassException e) {
            MessageFormatException mfe = new MessageFormatException("ObjectMessage refused: "
                    + (rejected[0] != null ? rejected[0] : e.getMessage()));
            mfe.setLinkedException(e);
            mfe.initCause(e);
            throw mfe;
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            MessageFormatException mfe = new MessageFormatException("cannot deserialize the ObjectMessage body: " + e);
            mfe.setLinkedException(e);
            mfe.initCause(e);
            throw mfe;
        }
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        serialized = null;
    }

    @Override
    protected Object bodyObject() throws JMSException {
        return getObject();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) throws JMSException {
        if (serialized == null) {
            return true;
        }
        try {
            return c.isInstance(getObject());
        } catch (JMSException e) {
            // The spec asks for false when deserialization fails (getBody would throw).
            return false;
        }
    }

    @Override
    public String bodyType() {
        return serialized == null ? "null-object" : "object";
    }

    @Override
    public byte[] encodeBody() {
        return serialized;
    }

    @Override
    public void decodeBody(byte[] value) {
        serialized = value;
    }

    /** Provider use: a null object. */
    public void decodeNullBody() {
        serialized = null;
    }
}
