package io.streambus.jms.ra;

import io.streambus.jms.internal.JmsMessageConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XA delivery, for endpoints whose {@code onMessage} is transacted ({@code isDeliveryTransacted}): waits until the
 * consumer holds a message, then {@code beforeDelivery} (the container starts its transaction and enlists the
 * session's XAResource), receives it (its acknowledgement is staged in that branch), {@code onMessage},
 * {@code afterDelivery} (the container commits or rolls back). A listener that throws marks the branch rollback-only
 * ({@link DeliveryXAResource}), so the message comes again with its delivery count one higher, and after the
 * queue's {@code maxDeliveryAttempts} goes to its dead-letter queue. No transaction is started while the queue is
 * idle. Stateless, thread-safe.
 */
final class TransactedDelivery implements DeliveryStrategy {
    static final TransactedDelivery INSTANCE = new TransactedDelivery();
    private static final Logger LOG = LoggerFactory.getLogger(TransactedDelivery.class);

    private TransactedDelivery() {
    }

    @Override
    public boolean transacted() {
        return true;
    }

    @Override
    public boolean deliverOne(InboundSession s, long waitMs) throws JMSException {
        // The provider's consumers can wait without taking; any other consumer is received from inside the
        // transaction, waiting there (an idle destination then costs one empty transaction per wait).
        boolean waited = s.consumer() instanceof JmsMessageConsumer;
        if (waited && !((JmsMessageConsumer) s.consumer()).awaitDeliverable(waitMs)) {
            return false;
        }
        MessageEndpoint endpoint = s.endpoint();
        if (endpoint == null) {
            return false;
        }
        try {
            endpoint.beforeDelivery(ON_MESSAGE);
        } catch (ResourceException | NoSuchMethodException | RuntimeException e) {
            LOG.warn("{}: the container could not start a delivery transaction, retrying: {}", s, LogText.of(e));
            s.discardEndpoint();
            return false;
        }
        boolean delivered = false;
        try {
            Message m = waited ? s.consumer().receiveNoWait() : s.consumer().receive(Math.max(1, waitMs));
            if (m != null) {
                delivered = true;
                try {
                    ((MessageListener) endpoint).onMessage(m);
                } catch (RuntimeException e) {
                    s.xaResource().markRollbackOnly();
                    LOG.warn("{}: onMessage of {} threw, its transaction rolls back and the message comes again: {}",
                            s, m.getJMSMessageID(), LogText.of(e));
                }
            }
        } finally {
            try {
                endpoint.afterDelivery();
            } catch (ResourceException | RuntimeException e) {
                // The container rolled the transaction back (or could not complete it): the message comes again.
                LOG.debug("{}: afterDelivery: {}", s, LogText.of(e));
            }
        }
        return delivered;
    }
}
