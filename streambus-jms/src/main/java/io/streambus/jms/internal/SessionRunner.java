package io.streambus.jms.internal;

import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application-server side of a session (Jakarta Messaging 3.1 §8.2, "ServerSession"): its distinguished
 * {@link MessageListener} ({@code Session.setMessageListener}) and the messages a {@link JmsConnectionConsumer} loaded
 * into it, which {@code Session.run()} hands to that listener in order on the calling (application server) thread.
 * Each loaded message carries the callback that tells its connection consumer how the delivery ended.
 *
 * <p>Thread-safe: messages are loaded by the connection consumer's thread and run by an application server thread.
 */
final class SessionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRunner.class);

    /** How a loaded message's delivery ended: {@code ok} when the listener returned normally. */
    @FunctionalInterface
    interface Outcome {
        void delivered(boolean ok);
    }

    private record Loaded(Message message, Outcome outcome) {
    }

    private final ArrayDeque<Loaded> loaded = new ArrayDeque<>();
    private volatile MessageListener listener;
    /** The thread inside {@link #run}, if any. */
    private volatile Thread runThread;

    MessageListener listener() {
        return listener;
    }

    void setListener(MessageListener l) {
        this.listener = l;
    }

    /** A connection consumer hands {@code messages} to this session; they wait for {@link #run()}. */
    void load(List<? extends Message> messages, Outcome outcome) {
        synchronized (loaded) {
            for (Message m : messages) {
                loaded.add(new Loaded(m, outcome));
            }
        }
    }

    /** True while loaded messages wait for {@link #run()}. */
    boolean hasLoaded() {
        synchronized (loaded) {
            return !loaded.isEmpty();
        }
    }

    /**
     * {@code Session.run()}: delivers every loaded message to the session's listener. Without a listener the
     * messages go back to their connection consumer as failed deliveries (they come again).
     *
     * @param sessionOpen true while the session is open; a closed session hands its messages back the same way
     */
    void run(boolean sessionOpen) {
        runThread = Thread.currentThread();
        try {
            runLoaded(sessionOpen);
        } finally {
            runThread = null;
        }
    }

    /** True on the thread that runs this session's loaded messages (it must not stop or close the connection). */
    boolean isRunThread() {
        return Thread.currentThread() == runThread;
    }

    private void runLoaded(boolean sessionOpen) {
        while (true) {
            Loaded next;
            synchronized (loaded) {
                next = loaded.poll();
            }
            if (next == null) {
                return;
            }
            MessageListener l = listener;
            boolean ok = false;
            if (l == null || !sessionOpen) {
                LOG.warn("Session.run() without a MessageListener or on a closed session: message {} goes back to "
                        + "its connection consumer", id(next.message()));
            } else {
                try {
                    l.onMessage(next.message());
                    ok = true;
                } catch (RuntimeException | Error e) {
                    LOG.warn("the session's MessageListener threw on message {}; it will be delivered again",
                            id(next.message()), e);
                }
            }
            next.outcome().delivered(ok);
        }
    }

    private static String id(Message m) {
        try {
            return m.getJMSMessageID();
        } catch (jakarta.jms.JMSException e) {
            return "?";
        }
    }
}
