package io.streambus.jms.internal;

import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.Queue;
import jakarta.jms.QueueSender;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * A JMS producer over the connection's shared StreamBus producer. A synchronous send returns once the broker has
 * acknowledged the record, with {@code JMSMessageID} ({@code ID:<topic>-<partition>-<offset>}) set on the message;
 * an asynchronous send calls its {@link CompletionListener} on a session thread, in send order. In a transacted
 * session sends are held until commit. {@code JMSXGroupID} becomes the record key, so a group's messages share a
 * partition and stay in order.
 *
 * <p>Thread-safety: like its session, used by one thread at a time.
 */
public class JmsMessageProducer implements QueueSender, TopicPublisher {
    private final JmsSession session;
    private final StreamBusDestination destination;
    private volatile boolean closed;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive;
    private long deliveryDelay;
    private boolean disableMessageId;
    private boolean disableTimestamp;

    JmsMessageProducer(JmsSession session, StreamBusDestination destination) {
        this.session = session;
        this.destination = destination;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the message producer is closed");
        }
        session.checkOpen();
    }

    @Override
    public void setDisableMessageID(boolean value) throws JMSException {
        checkOpen();
        disableMessageId = value;
    }

    /** The hint is accepted but ids are always assigned: they are the record position and cost nothing. */
    @Override
    public boolean getDisableMessageID() throws JMSException {
        checkOpen();
        return disableMessageId;
    }

    @Override
    public void setDisableMessageTimestamp(boolean value) throws JMSException {
        checkOpen();
        disableTimestamp = value;
    }

    @Override
    public boolean getDisableMessageTimestamp() throws JMSException {
        checkOpen();
        return disableTimestamp;
    }

    @Override
    public void setDeliveryMode(int mode) throws JMSException {
        checkOpen();
        checkDeliveryMode(mode);
        deliveryMode = mode;
    }

    private static void checkDeliveryMode(int mode) throws JMSException {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException("delivery mode must be DeliveryMode.PERSISTENT or NON_PERSISTENT, got " + mode);
        }
    }

    @Override
    public int getDeliveryMode() throws JMSException {
        checkOpen();
        return deliveryMode;
    }

    @Override
    public void setPriority(int p) throws JMSException {
        checkOpen();
        checkPriority(p);
        priority = p;
    }

    private static void checkPriority(int p) throws JMSException {
        if (p < 0 || p > 9) {
            throw new JMSException("priority must be 0-9, got " + p);
        }
    }

    @Override
    public int getPriority() throws JMSException {
        checkOpen();
        return priority;
    }

    @Override
    public void setTimeToLive(long ttl) throws JMSException {
        checkOpen();
        timeToLive = ttl;
    }

    @Override
    public long getTimeToLive() throws JMSException {
        checkOpen();
        return timeToLive;
    }

    @Override
    public void setDeliveryDelay(long delay) throws JMSException {
        checkOpen();
        if (delay < 0) {
            throw new JMSException("delivery delay must be >= 0, got " + delay);
        }
        deliveryDelay = delay;
    }

    @Override
    public long getDeliveryDelay() throws JMSException {
        checkOpen();
        return deliveryDelay;
    }

    @Override
    public Destination getDestination() throws JMSException {
        checkOpen();
        return destination;
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkOpen();
        return destination instanceof Queue q ? q : null;
    }

    @Override
    public Topic getTopic() throws JMSException {
        checkOpen();
        return destination instanceof Topic t ? t : null;
    }

    @Override
    public void close() throws JMSException {
        if (!closed) {
            if (session.isCompletionThread()) {
                throw new IllegalStateException("a CompletionListener must not close its own producer");
            }
            closed = true;
            session.producerClosed(this);
        }
    }

    // ---------------------------------------------------------------- sends

    @Override
    public void send(Message message) throws JMSException {
        send(identified(), message, deliveryMode, priority, timeToLive, null);
    }

    @Override
    public void send(Message message, int mode, int prio, long ttl) throws JMSException {
        send(identified(), message, mode, prio, ttl, null);
    }

    @Override
    public void send(Destination dest, Message message) throws JMSException {
        send(anonymous(dest), message, deliveryMode, priority, timeToLive, null);
    }

    @Override
    public void send(Destination dest, Message message, int mode, int prio, long ttl) throws JMSException {
        send(anonymous(dest), message, mode, prio, ttl, null);
    }

    @Override
    public void send(Message message, CompletionListener listener) throws JMSException {
        send(identified(), message, deliveryMode, priority, timeToLive, requireListener(listener));
    }

    @Override
    public void send(Message message, int mode, int prio, long ttl, CompletionListener listener)
            throws JMSException {
        send(identified(), message, mode, prio, ttl, requireListener(listener));
    }

    @Override
    public void send(Destination dest, Message message, CompletionListener listener) throws JMSException {
        send(anonymous(dest), message, deliveryMode, priority, timeToLive, requireListener(listener));
    }

    @Override
    public void send(Destination dest, Message message, int mode, int prio, long ttl, CompletionListener listener)
            throws JMSException {
        send(anonymous(dest), message, mode, prio, ttl, requireListener(listener));
    }

    @Override
    public void send(Queue queue, Message message) throws JMSException {
        send((Destination) queue, message);
    }

    @Override
    public void send(Queue queue, Message message, int mode, int prio, long ttl) throws JMSException {
        send((Destination) queue, message, mode, prio, ttl);
    }

    @Override
    public void publish(Message message) throws JMSException {
        send(message);
    }

    @Override
    public void publish(Message message, int mode, int prio, long ttl) throws JMSException {
        send(message, mode, prio, ttl);
    }

    @Override
    public void publish(Topic topic, Message message) throws JMSException {
        send(topic, message);
    }

    @Override
    public void publish(Topic topic, Message message, int mode, int prio, long ttl) throws JMSException {
        send(topic, message, mode, prio, ttl);
    }

    private static CompletionListener requireListener(CompletionListener l) {
        if (l == null) {
            throw new IllegalArgumentException("CompletionListener must not be null");
        }
        return l;
    }

    private StreamBusDestination identified() throws JMSException {
        checkOpen();
        if (destination == null) {
            throw new UnsupportedOperationException("this producer has no destination; use send(destination, ...)");
        }
        return destination;
    }

    private StreamBusDestination anonymous(Destination dest) throws JMSException {
        checkOpen();
        if (destination != null) {
            throw new UnsupportedOperationException("this producer sends to " + destination
                    + "; send(destination, ...) is only for producers created without a destination");
        }
        if (dest == null) {
            throw new InvalidDestinationException("send needs a destination, got null");
        }
        return MessageCodec.toDestination(dest);
    }

    private void send(StreamBusDestination dest, Message message, int mode, int prio, long ttl,
                      CompletionListener listener) throws JMSException {
        if (message == null) {
            throw new MessageFormatException("cannot send a null message");
        }
        checkDeliveryMode(mode);
        checkPriority(prio);
        JmsConnection connection = session.connection();
        connection.checkSendable(dest);
        long now = System.currentTimeMillis();
        StreamBusMessage m = message instanceof StreamBusMessage sm ? sm : MessageCodec.fromForeign(message);
        for (Message target : message == m ? new Message[] {m} : new Message[] {m, message}) {
            target.setJMSDestination(dest);
            target.setJMSDeliveryMode(mode);
            target.setJMSPriority(prio);
            target.setJMSTimestamp(disableTimestamp ? 0 : now);
            target.setJMSExpiration(ttl > 0 ? now + ttl : 0);
            target.setJMSDeliveryTime(now + deliveryDelay);
            target.setJMSMessageID(null);
        }
        ProducerRecord<byte[], byte[]> record = MessageCodec.encode(m, dest.getName(), connection.id());
        if (disableTimestamp) {
            // The record still needs a time for the broker; JMSTimestamp stays 0 for the receiver.
            record = new ProducerRecord<>(record.topic(), null, now, record.key(), record.value(), record.headers());
        }
        ProducerRecord<byte[], byte[]> toSend = record;
        // Without a transaction the send goes out now; a transacted session holds it until commit.
        session.ackPolicy().send(toSend, message, m, listener,
                () -> sendNow(connection, dest, toSend, message, m, listener));
    }

    /** Sends {@code record} now: waits for the broker's acknowledgement, or hands it to {@code listener}. */
    private void sendNow(JmsConnection connection, StreamBusDestination dest, ProducerRecord<byte[], byte[]> record,
                         Message message, StreamBusMessage m, CompletionListener listener) throws JMSException {
        // The connection's producer, or an XA branch's (the session's policy knows which).
        CompletableFuture<RecordMetadata> f = session.ackPolicy().producer().send(record);
        if (listener == null) {
            RecordMetadata md = Jms.await(f, connection.config().sendTimeoutMs(), "send to " + dest);
            setId(message, m, md);
            return;
        }
        ExecutorService ex = session.completions();
        f.whenComplete((md, err) -> ex.execute(() -> {
            try {
                if (err == null) {
                    try {
                        setId(message, m, md);
                    } catch (JMSException ignored) {
                        // setting the id on our own messages cannot fail
                    }
                    listener.onCompletion(message);
                } else {
                    listener.onException(message, Jms.jms("asynchronous send to " + dest + " failed", err));
                }
            } finally {
                session.asyncCompleted();
            }
        }));
    }

    private static void setId(Message original, StreamBusMessage sent, RecordMetadata md) throws JMSException {
        String id = MessageCodec.messageId(md.topic(), md.partition(), md.offset());
        sent.setJMSMessageID(id);
        if (original != sent) {
            original.setJMSMessageID(id);
        }
    }

    @Override
    public String toString() {
        return "JmsMessageProducer[" + (destination == null ? "anonymous" : destination) + "]";
    }
}
