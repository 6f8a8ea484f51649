package io.streambus.jms.internal;

import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.ServerSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection consumer (Jakarta Messaging 3.1 §8.2, the application server facilities that drive message-driven
 * beans): one thread takes messages from a consumer of a hidden session, asks the {@link ServerSessionPool} for a
 * {@link ServerSession}, loads up to {@code maxMessages} messages into its session and starts it; the application
 * server then calls {@code Session.run()}, which hands them to the session's {@code MessageListener}.
 *
 * <p>Acknowledgement: a message is done when the server session's listener returned. Because server sessions run
 * concurrently and out of order, the consumer acknowledges at drain points only, when no loaded message is still
 * running: at once when the pool goes idle, and at the latest after {@code dupsOkBatchSize} messages or
 * {@code dupsOkInterval} ms (it then stops loading until the running ones finished). A listener that threw makes the
 * drain point release everything since the previous one instead (delivered again, count + 1, at least once).
 * {@code Message.acknowledge()} in a server session does nothing (the AUTO_ACKNOWLEDGE rule); the server session's own
 * transaction or acknowledgement mode does not cover these messages (an XA-enlisted delivery is the resource
 * adapter's, issue 13).
 *
 * <p>Thread-safe: {@link #close()} may come from any thread.
 */
final class JmsConnectionConsumer implements ConnectionConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(JmsConnectionConsumer.class);
    private static final StreamBusMessage.Acknowledger AUTOMATIC = () -> { };

    /** Creates the consumer that feeds a connection consumer, on its hidden session. */
    @FunctionalInterface
    interface ConsumerFactory {
        MessageConsumer create(JmsSession session) throws JMSException;
    }

    private final JmsConnection connection;
    private final ServerSessionPool pool;
    private final int maxMessages;
    private final JmsSession session;
    private final JmsMessageConsumer consumer;
    private final Thread dispatcher;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition completed = lock.newCondition();
    /** Messages loaded into server sessions whose listener has not returned yet. */
    private int running;
    /** Messages taken from the consumer since the last drain point. */
    private int unsettled;
    private long unsettledSinceNanos;
    private boolean anyFailed;
    private volatile boolean inPool;
    private volatile boolean closed;

    private JmsConnectionConsumer(JmsConnection connection, ServerSessionPool pool, int maxMessages,
                                  JmsSession session, JmsMessageConsumer consumer) {
        this.connection = connection;
        this.pool = pool;
        this.maxMessages = maxMessages;
        this.session = session;
        this.consumer = consumer;
        this.dispatcher = new Thread(this::dispatchLoop, "streambus-jms-connection-consumer-" + connection.id());
        this.dispatcher.setDaemon(true);
    }

    /**
     * Opens a connection consumer on {@code connection}.
     *
     * @throws JMSException when the pool is missing, {@code maxMessages} is below 1, or the consumer cannot be made
     */
    static JmsConnectionConsumer open(JmsConnection connection, ServerSessionPool pool, int maxMessages,
                                      ConsumerFactory factory) throws JMSException {
        if (pool == null) {
            throw new JMSException("a connection consumer needs a ServerSessionPool, got null");
        }
        if (maxMessages < 1) {
            throw new JMSException("maxMessages must be at least 1, got " + maxMessages);
        }
        // CLIENT_ACKNOWLEDGE: nothing is acknowledged by taking a message; the drain points decide.
        JmsSession s = (JmsSession) connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        try {
            JmsMessageConsumer c = (JmsMessageConsumer) factory.create(s);
            JmsConnectionConsumer cc = new JmsConnectionConsumer(connection, pool, maxMessages, s, c);
            cc.dispatcher.start();
            return cc;
        } catch (JMSException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public ServerSessionPool getServerSessionPool() throws JMSException {
        if (closed) {
            throw new IllegalStateException("the connection consumer is closed");
        }
        return pool;
    }

    // ---------------------------------------------------------------- dispatcher thread

    private void dispatchLoop() {
        long pollMs = Math.max(1, connection.config().pollIntervalMs());
        while (!closed) {
            try {
                if (!settleIfDue(pollMs)) {
                    continue; // still waiting for running listeners before taking more
                }
                StreamBusMessage first = consumer.next(hasUnsettled() ? Math.min(5, pollMs) : pollMs);
                if (first == null) {
                    continue;
                }
                List<StreamBusMessage> batch = new ArrayList<>(Math.min(maxMessages, 64));
                batch.add(first);
                StreamBusMessage m;
                while (batch.size() < maxMessages && (m = consumer.next(0)) != null) {
                    batch.add(m);
                }
                handOver(batch);
            } catch (JMSException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("{}: delivery failed: {}", this, e.toString());
                    connection.reportException(e instanceof JMSException j ? j : Jms.jms("connection consumer", e));
                }
            }
        }
        Thread.interrupted(); // close() may have interrupted a pool wait; the final drain must still wait
        if (!awaitRunning(TimeUnit.MILLISECONDS.toNanos(connection.config().closeTimeoutMs()))) {
            // Listeners still run: acknowledge nothing, closing the consumer hands the messages back.
            LOG.warn("{}: server sessions still running after {} ms; their messages will be delivered again", this,
                    connection.config().closeTimeoutMs());
            return;
        }
        try {
            settle();
        } catch (JMSException e) {
            LOG.warn("{}: acknowledging at close failed (the messages may come again): {}", this, e.getMessage());
        }
    }

    private void handOver(List<StreamBusMessage> batch) throws JMSException {
        lock.lock();
        try {
            if (unsettled == 0) {
                unsettledSinceNanos = System.nanoTime();
            }
            unsettled += batch.size();
            running += batch.size();
        } finally {
            lock.unlock();
        }
        boolean loaded = false;
        try {
            inPool = true;
            ServerSession ss;
            try {
                ss = pool.getServerSession();
            } finally {
                inPool = false;
            }
            if (!(ss.getSession() instanceof JmsSession target)) {
                throw new JMSException("the ServerSessionPool returned a session of another provider ("
                        + ss.getSession().getClass().getName() + "); it must come from this StreamBus connection");
            }
            for (StreamBusMessage m : batch) {
                m.setAcknowledger(AUTOMATIC);
            }
            target.runner().load(batch, this::completed);
            loaded = true;
            ss.start();
        } finally {
            if (!loaded) {
                for (int i = 0; i < batch.size(); i++) {
                    completed(false);
                }
            }
        }
    }

    /** A server session finished one loaded message (any thread). */
    private void completed(boolean ok) {
        lock.lock();
        try {
            running--;
            anyFailed |= !ok;
            completed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean hasUnsettled() {
        lock.lock();
        try {
            return unsettled > 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Acknowledges (or releases) what was taken since the last drain point when the point is due: at once when
     * nothing runs, else after a full batch or interval, first waiting up to {@code waitMs} for the running ones.
     *
     * @return false when the drain point is due but listeners still run (take nothing more yet)
     */
    private boolean settleIfDue(long waitMs) throws JMSException {
        lock.lock();
        try {
            if (unsettled == 0) {
                return true;
            }
            boolean due = running == 0 || unsettled >= connection.config().dupsOkBatch()
                    || System.nanoTime() - unsettledSinceNanos
                    >= TimeUnit.MILLISECONDS.toNanos(connection.config().dupsOkIntervalMs());
            if (!due) {
                return true;
            }
        } finally {
            lock.unlock();
        }
        if (!awaitRunning(TimeUnit.MILLISECONDS.toNanos(waitMs))) {
            return false;
        }
        settle();
        return true;
    }

    /** Waits until no loaded message runs; false on timeout. */
    private boolean awaitRunning(long nanos) {
        lock.lock();
        try {
            while (running > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = completed.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Dispatcher thread, nothing running: accepts what was taken since the last drain point, or releases it. */
    private void settle() throws JMSException {
        boolean failed;
        lock.lock();
        try {
            if (unsettled == 0) {
                return;
            }
            failed = anyFailed;
            anyFailed = false;
            unsettled = 0;
        } finally {
            lock.unlock();
        }
        if (failed) {
            consumer.rewind();
        } else {
            consumer.commitConsumedAndConfirm();
        }
    }

    /**
     * {@code Connection.stop()}: waits (at most {@code closeTimeout}) until no loaded message runs; the connection is
     * already stopped, so nothing new is loaded meanwhile.
     */
    void awaitIdle() {
        if (!awaitRunning(TimeUnit.MILLISECONDS.toNanos(connection.config().closeTimeoutMs()))) {
            LOG.warn("{}: server sessions still running after {} ms; stop() returns without them", this,
                    connection.config().closeTimeoutMs());
        }
    }

    // ---------------------------------------------------------------- close

    /**
     * Stops taking messages, waits (at most {@code closeTimeout}) for the loaded ones to finish, acknowledges them
     * and closes the hidden session.
     */
    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        closed = true;
        if (inPool) {
            dispatcher.interrupt(); // a pool blocked waiting for a free ServerSession
        }
        consumer.signal();
        if (Thread.currentThread() != dispatcher) {
            try {
                dispatcher.join(2 * connection.config().closeTimeoutMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        session.close();
        connection.connectionConsumerClosed(this);
    }

    @Override
    public String toString() {
        return "JmsConnectionConsumer[" + consumer + ", maxMessages " + maxMessages + "]";
    }
}
