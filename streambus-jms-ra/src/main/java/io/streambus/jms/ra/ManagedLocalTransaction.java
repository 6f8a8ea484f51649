package io.streambus.jms.ra;

import jakarta.jms.JMSException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;

/**
 * The resource-manager local transaction of a managed connection (a pool configured with
 * {@code LocalTransaction}): a transacted session of the physical connection, which the sessions of the connection's
 * handles use while it is active. Driven by the server; one thread at a time.
 */
final class ManagedLocalTransaction implements LocalTransaction {
    private final StreamBusManagedConnection connection;

    ManagedLocalTransaction(StreamBusManagedConnection connection) {
        this.connection = connection;
    }

    @Override
    public void begin() throws ResourceException {
        try {
            connection.localTransactionBegun();
        } catch (JMSException e) {
            throw failed("begin", e);
        }
    }

    @Override
    public void commit() throws ResourceException {
        try {
            connection.localSession().commit();
        } catch (JMSException e) {
            throw failed("commit", e);
        } finally {
            connection.localTransactionEnded();
        }
    }

    @Override
    public void rollback() throws ResourceException {
        try {
            connection.localSession().rollback();
        } catch (JMSException e) {
            throw failed("rollback", e);
        } finally {
            connection.localTransactionEnded();
        }
    }

    private static LocalTransactionException failed(String what, JMSException e) {
        return new LocalTransactionException("local transaction " + what + " failed: " + e.getMessage(), e);
    }
}
