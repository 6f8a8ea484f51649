package io.streambus.jms.ra;

import jakarta.jms.JMSException;
import jakarta.jms.MessageListener;
import java.lang.reflect.Method;

/**
 * How an inbound session delivers one message to its endpoint: inside the container's XA transaction
 * ({@link TransactedDelivery}) or acknowledging after the listener returned ({@link AcknowledgingDelivery}).
 * Implementations are stateless; one session calls them from one thread at a time.
 */
interface DeliveryStrategy {
    /** {@code MessageListener.onMessage(Message)}, the method MDB containers ask about. */
    Method ON_MESSAGE = onMessage();

    /**
     * Delivers at most one message, waiting up to {@code waitMs} for it.
     *
     * @return true when a message was handed to the endpoint, false when none came (or no endpoint was available)
     * @throws JMSException when the session or its connection failed (the activation then reconnects)
     */
    boolean deliverOne(InboundSession session, long waitMs) throws JMSException;

    /** Whether the session must be an XA session. */
    boolean transacted();

    private static Method onMessage() {
        try {
            return MessageListener.class.getMethod("onMessage", jakarta.jms.Message.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
