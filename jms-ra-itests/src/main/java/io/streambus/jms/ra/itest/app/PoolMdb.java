package io.streambus.jms.ra.itest.app;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import javax.sql.DataSource;

/**
 * {@link Names#POOL_SESSIONS} share-group sessions on a one-partition queue. Each message waits at the
 * {@link ConcurrencyGate} (only until the gate opens once) and records which bean instance and thread took it and
 * how many deliveries were running at once. The container gives each instance one message at a time.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Names.RESOURCE_ADAPTER),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = Names.POOL_QUEUE),
        @ActivationConfigProperty(propertyName = "queueMode", propertyValue = "share"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "" + Names.POOL_SESSIONS),
        // A session held at the gate locks only the message it delivers, not a prefetch of ten.
        @ActivationConfigProperty(propertyName = "prefetch", propertyValue = "1")
})
public class PoolMdb implements MessageListener {
    @Resource(lookup = Names.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private ConcurrencyGate gate;

    @Override
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void onMessage(Message message) {
        try {
            String id = ((TextMessage) message).getText();
            int concurrent = gate.enter(Names.POOL_SESSIONS);
            try {
                Rows.insert(dataSource, Names.POOL_TABLE, id, "instance-" + System.identityHashCode(this),
                        Thread.currentThread().getName(), concurrent);
            } finally {
                gate.leave();
            }
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable message", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the gate", e);
        }
    }
}
