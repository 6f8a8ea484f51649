package io.streambus.jms.ra.itest.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/**
 * Throws on every delivery after recording it ({@link AttemptLog}, own transaction): the container rolls the
 * delivery's transaction back, the broker redelivers with a higher JMSXDeliveryCount, and after
 * {@link Names#POISON_MAX_DELIVERIES} deliveries moves the message to {@link Names#POISON_DLQ}. The container gives
 * each instance one message at a time.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Names.RESOURCE_ADAPTER),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = Names.POISON_QUEUE),
        @ActivationConfigProperty(propertyName = "queueMode", propertyValue = "share"),
        @ActivationConfigProperty(propertyName = "maxDeliveryAttempts",
                propertyValue = "" + Names.POISON_MAX_DELIVERIES),
        @ActivationConfigProperty(propertyName = "deadLetterQueue", propertyValue = "DLQ.{queue}"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1")
})
public class PoisonMdb implements MessageListener {
    @EJB
    private AttemptLog attempts;

    @Override
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void onMessage(Message message) {
        String id;
        int count;
        try {
            id = ((TextMessage) message).getText();
            count = message.getIntProperty("JMSXDeliveryCount");
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable message", e);
        }
        attempts.record(id, count);
        throw new IllegalStateException("poison message " + id + ", delivery " + count);
    }
}
