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
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;

/**
 * A JMS producer over the connection's shared StreamBus producer. Every send sets {@code JMSMessageID}
 * ({@code ID:<connection id>-<sequence>}, carried to receivers in a header) before it returns. Outside a transaction a
 * send without CompletionListener either waits for the broker's acknowledgement (PERSISTENT by default) or returns
 * once the record is queued in the client (NON_PERSISTENT by default; the factory's {@code blockOn...Send}), within
 * the session's {@link SendWindow} of unconfirmed sends; a failure of such a send is thrown by the session's next send
 * or close and reported to the ExceptionListener. A send with CompletionListener calls it on a session thread, in send
 * order. In a transacted or XA session sends join the transaction. Sends keep their order per partition (the client
 * producer's guarantee); {@code JMSXGroupID} becomes the record key, so a group's messages share a partition and stay
 * in order.
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

    /**
     * The hint is accepted but ids are always assigned: an id costs a counter increment and one header, and replies
     * and logs rely on it.
     */
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

    /**
     * Closes the producer once the session's sends are confirmed and their CompletionListeners returned (at most
     * closeTimeout; the window is the session's, so other producers' sends of the session are waited for too).
     *
     * @throws JMSException (error code {@code send-failed}) after closing, when a send of the session that did not
     *                      wait for the broker failed and no earlier send reported it, or sends stayed unconfirmed
     */
    @Override
    public void close() throws JMSException {
        if (!closed) {
            if (session.isCompletionThread()) {
                throw new IllegalStateException("a CompletionListener must not close its own producer");
            }
            try {
                session.drainSends();
            } finally {
                closed = true;
                session.producerClosed(this);
            }
        }
    }

    /** The session closes (it has waited for its sends). */
    void closedWithSession() {
        closed = true;
        session.producerClosed(this);
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
        // An earlier send of the session that nobody waited for failed: this send says so (and does not go out).
        session.sendWindow().throwFailure();
        JmsConnection connection = session.connection();
        connection.checkSendable(dest);
        long now = System.currentTimeMillis();
        // Set now, so that it is known when send returns whether or not the send waits for the broker (JMS 3.1
        // section 3.4.3); it travels in a header and the receiver sees the same id.
        String id = connection.nextMessageId();
        StreamBusMessage m = message instanceof StreamBusMessage sm ? sm : MessageCodec.fromForeign(message);
        setSendFields(m, dest, mode, prio, ttl, now, id);
        if (message != m) {
            setSendFields(message, dest, mode, prio, ttl, now, id);
        }
        ProducerRecord<byte[], byte[]> record = MessageCodec.encode(m, dest.getName(), connection.idHeader());
        if (disableTimestamp) {
            // The record still needs a time for the broker; JMSTimestamp stays 0 for the receiver.
            record = new ProducerRecord<>(record.topic(), null, now, record.key(), record.value(), record.headers());
        }
        ProducerRecord<byte[], byte[]> toSend = record;
        // Without a transaction the send goes out now; a transacted session holds it until commit.
        session.ackPolicy().send(toSend, message, m, listener,
                () -> sendNow(connection, dest, toSend, message, mode, listener));
    }

    private void setSendFields(Message target, StreamBusDestination dest, int mode, int prio, long ttl, long now,
                               String id) throws JMSException {
        target.setJMSDestination(dest);
        target.setJMSDeliveryMode(mode);
        target.setJMSPriority(prio);
        target.setJMSTimestamp(disableTimestamp ? 0 : now);
        target.setJMSExpiration(ttl > 0 ? now + ttl : 0);
        target.setJMSDeliveryTime(now + deliveryDelay);
        target.setJMSMessageID(id);
    }

    /**
     * Sends {@code record} now: waits for the broker's acknowledgement, or hands its outcome to {@code listener}, or
     * (a send the settings let return at once) leaves it to the session's send window.
     */
    private void sendNow(JmsConnection connection, StreamBusDestination dest, ProducerRecord<byte[], byte[]> record,
                         Message message, int mode, CompletionListener listener) throws JMSException {
        AckPolicy policy = session.ackPolicy();
        JmsConfig config = connection.config();
        if (listener == null && (!policy.mayLeaveSendsUnconfirmed() || config.sends().blocks(mode))) {
            // The connection's producer, or an XA branch's (the session's policy knows which).
            Jms.await(policy.producer().send(record), config.sendTimeoutMs(), "send to " + dest);
            return;
        }
        SendWindow window = session.sendWindow();
        window.acquire(config.sendTimeoutMs(), "send to " + dest);
        // The producer's callback runs on the client I/O thread that completes the record, before its future: no
        // future stage per send.
        BiConsumer<RecordMetadata, Throwable> onOutcome;
        if (listener == null) {
            // Counts down there, no hand-off per send; a failure is kept for the session's next send or close and
            // reported to the ExceptionListener.
            String id = message.getJMSMessageID();
            onOutcome = (md, err) -> {
                if (err == null) {
                    window.confirmed();
                } else {
                    window.failed(SendWindow.failure("send of message " + id + " to " + dest, err));
                }
            };
        } else {
            ExecutorService ex = session.completions();
            onOutcome = (md, err) -> {
                window.confirmed(); // the listener hears of a failure: it is not the session's to report
                ex.execute(() -> {
                    try {
                        if (err == null) {
                            listener.onCompletion(message);
                        } else {
                            listener.onException(message, Jms.jms("asynchronous send to " + dest + " failed", err));
                        }
                    } finally {
                        session.asyncCompleted();
                    }
                });
            };
        }
        try {
            policy.producer().send(record, onOutcome);
        } catch (JMSException | RuntimeException e) {
            window.cancel();
            throw e instanceof JMSException j ? j : Jms.jms("send to " + dest, e);
        }
    }

    @Override
    public String toString() {
        return "JmsMessageProducer[" + (destination == null ? "anonymous" : destination) + "]";
    }
}
