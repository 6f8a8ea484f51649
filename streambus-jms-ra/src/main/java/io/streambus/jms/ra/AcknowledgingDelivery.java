package io.streambus.jms.ra;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Non-transacted delivery (bean-managed transactions or {@code NOT_SUPPORTED}): the session is
 * {@code CLIENT_ACKNOWLEDGE}; a message is acknowledged once {@code onMessage} returned, and a listener that threw
 * makes the session recover (the message comes again, delivery count + 1). {@code Dups-ok-acknowledge} is delivered
 * the same way (acknowledging each message is within what DUPS_OK allows). Stateless, thread-safe.
 */
final class AcknowledgingDelivery implements DeliveryStrategy {
    static final AcknowledgingDelivery INSTANCE = new AcknowledgingDelivery();
    private static final Logger LOG = LoggerFactory.getLogger(AcknowledgingDelivery.class);

    private AcknowledgingDelivery() {
    }

    @Override
    public boolean transacted() {
        return false;
    }

    @Override
    public boolean deliverOne(InboundSession s, long waitMs) throws JMSException {
        MessageEndpoint endpoint = s.endpoint();
        if (endpoint == null) {
            return false;
        }
        Message m = s.consumer().receive(Math.max(1, waitMs));
        if (m == null) {
            return false;
        }
        try {
            ((MessageListener) endpoint).onMessage(m);
        } catch (RuntimeException e) {
            LOG.warn("{}: onMessage of {} threw, the message comes again: {}", s, m.getJMSMessageID(), LogText.of(e));
            s.session().recover();
            return true;
        }
        m.acknowledge();
        return true;
    }
}
