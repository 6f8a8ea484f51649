package io.streambus.jms.ra.itest.app;

import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Inserts a row and sends a message in one container-managed JTA transaction: both resources (the H2 XA pool and
 * the StreamBus RA's XA connection pool) are enlisted by the container, so both commit or neither does. Stateless
 * session bean: the container serialises calls per instance.
 */
@Stateless
public class OutboundSender {
    @Resource(lookup = Names.CONNECTION_FACTORY)
    private ConnectionFactory connectionFactory;

    @Resource(lookup = Names.OUTBOUND_QUEUE_RESOURCE)
    private Queue outbound;

    @Resource(lookup = Names.DATASOURCE)
    private DataSource dataSource;

    @Resource
    private SessionContext context;

    /**
     * Inserts (id) into the outbound table and sends a TextMessage with body {@code id} to the outbound queue.
     *
     * @param rollbackOnly mark the transaction rollback-only after both writes, so the container rolls both back
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void insertAndSend(String id, boolean rollbackOnly) {
        try (java.sql.Connection db = dataSource.getConnection();
             PreparedStatement insert = db.prepareStatement(
                     "INSERT INTO " + Names.OUTBOUND_TABLE + " (id) VALUES (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new EJBException("insert of " + id + " failed", e);
        }
        // In a JTA transaction the container enlists the pooled connection's XAResource: no local transaction here.
        try (Connection jms = connectionFactory.createConnection();
             Session session = jms.createSession();
             MessageProducer producer = session.createProducer(outbound)) {
            TextMessage m = session.createTextMessage(id);
            producer.send(m);
        } catch (JMSException e) {
            throw new EJBException("send of " + id + " failed", e);
        }
        if (rollbackOnly) {
            context.setRollbackOnly();
        }
    }
}
