package io.streambus.jms.internal;

import io.streambus.client.admin.BrokerCapabilities;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicSession;

/**
 * An XA connection: a {@link JmsConnection} that also makes {@link JmsXaSession}s. Its ordinary sessions
 * ({@code createSession}) are the connection's usual ones. Thread-safe.
 */
public final class JmsXaConnection extends JmsConnection implements XAConnection, XAQueueConnection,
        XATopicConnection {
    private final XaSettings xa;

    private JmsXaConnection(JmsConfig config, Transport transport, BrokerCapabilities capabilities, XaSettings xa)
            throws JMSException {
        super(config, transport, capabilities);
        this.xa = xa;
    }

    /** Connects (capability probe included) or fails with a JMSException naming the brokers. */
    public static JmsXaConnection open(JmsConfig config, XaSettings xa) throws JMSException {
        return JmsConnection.open(config, (c, t, caps) -> new JmsXaConnection(c, t, caps, xa));
    }

    @Override
    public XASession createXASession() throws JMSException {
        return newXaSession();
    }

    @Override
    public XAQueueSession createXAQueueSession() throws JMSException {
        return newXaSession();
    }

    @Override
    public XATopicSession createXATopicSession() throws JMSException {
        return newXaSession();
    }

    /**
     * A new XA session, refused at once (never a silent local transaction, spec B.7.8.8 item 1) when the broker does
     * not serve two-phase commit.
     */
    private JmsXaSession newXaSession() throws JMSException {
        checkTwoPhaseCommit(capabilities());
        return addSession(() -> new JmsXaSession(this, xa));
    }

    /** JMSException (error code {@code two-phase-commit}) unless {@code caps} include TWO_PHASE_COMMIT. */
    static void checkTwoPhaseCommit(BrokerCapabilities caps) throws JMSException {
        if (!caps.supportsTwoPhaseCommit()) {
            throw new JMSException("XA sessions need a broker that serves two-phase commit (feature "
                    + "TWO_PHASE_COMMIT, spec B.7.8); this broker does not", BrokerCapabilities.CAP_TWO_PHASE_COMMIT);
        }
    }
}
