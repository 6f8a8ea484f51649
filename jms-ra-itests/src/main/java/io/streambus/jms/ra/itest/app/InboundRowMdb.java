package io.streambus.jms.ra.itest.app;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import javax.sql.DataSource;

/**
 * Inserts one row per message in the delivery's XA transaction (the RA's consumer branch and the H2 branch commit
 * together). A message whose body starts with {@code rollback-once:} marks its first delivery rollback-only after
 * the insert, so the row and the acknowledgement are undone and the second delivery (JMSXDeliveryCount 2) commits
 * the only row. The container gives each instance one message at a time.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Names.RESOURCE_ADAPTER),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = Names.INBOUND_QUEUE),
        @ActivationConfigProperty(propertyName = "queueMode", propertyValue = "share"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2")
})
@TransactionManagement(TransactionManagementType.CONTAINER)
public class InboundRowMdb implements MessageListener {
    /** Body prefix asking for a rolled-back first delivery. */
    public static final String ROLLBACK_ONCE = "rollback-once:";

    @Resource(lookup = Names.DATASOURCE)
    private DataSource dataSource;

    @Resource
    private MessageDrivenContext context;

    @Override
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void onMessage(Message message) {
        try {
            String id = ((TextMessage) message).getText();
            int count = message.getIntProperty("JMSXDeliveryCount");
            Rows.insert(dataSource, Names.INBOUND_TABLE, id, count);
            if (id.startsWith(ROLLBACK_ONCE) && count == 1) {
                context.setRollbackOnly();
            }
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable message", e);
        }
    }
}
