package io.streambus.jms;

import io.streambus.jms.internal.JmsContextImpl;
import io.streambus.jms.internal.JmsXaConnection;
import io.streambus.jms.internal.JmsXaContextImpl;
import io.streambus.jms.internal.XaSettings;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueConnectionFactory;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicConnectionFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The XA connection factory (Jakarta Messaging's {@link XAConnectionFactory}, {@link XAQueueConnectionFactory} and
 * {@link XATopicConnectionFactory}): everything {@link StreamBusConnectionFactory} is, plus XA connections whose
 * {@link jakarta.jms.XASession}s a JTA transaction manager enlists through their {@code XAResource} (spec B.7.8). A
 * separate class, as Artemis' {@code ActiveMQXAConnectionFactory}, so that frameworks which switch to XA when they see
 * an {@code XAConnectionFactory} do so only when asked.
 *
 * <p>Settings beyond the base factory's (URL parameters, properties, JNDI):
 * <ul>
 * <li>{@code xaPrefix} (default {@code jms}): the resource manager's transaction id prefix (B.7.8.1). Every factory
 * that must recover the others' branches (the application and its transaction manager's recovery) uses the same one;
 * different applications should use different ones.</li>
 * <li>{@code xaRetryTimeout} (default 30000 ms): how long InitXaBranch and decisions by Xid are retried on transport
 * failures before the XAResource gives up with XAER_RMFAIL.</li>
 * </ul>
 * Thread-safe once configured (as the base factory).
 */
public class StreamBusXAConnectionFactory extends StreamBusConnectionFactory
        implements XAConnectionFactory, XAQueueConnectionFactory, XATopicConnectionFactory {
    private static final long serialVersionUID = 1L;

    // No initializers: the base constructors set URL parameters (setProperty) before this class's initializers
    // would run, and these would then overwrite them. Null means the default.
    private String xaPrefix;
    private Long xaRetryTimeout;

    /** A factory for {@code 127.0.0.1:9092} with every default. */
    public StreamBusXAConnectionFactory() {
    }

    /**
     * @param brokerURL {@code streambus://host:port[,host:port...][?param=value&...]}
     * @throws IllegalArgumentException for a malformed URL or an unknown parameter
     */
    public StreamBusXAConnectionFactory(String brokerURL) {
        super(brokerURL);
    }

    /**
     * Configures from properties: the URL parameters plus {@code brokerURL}.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value
     */
    public StreamBusXAConnectionFactory(Properties properties) {
        super(properties);
    }

    /** The transaction id prefix of this resource manager (B.7.8.1). */
    public String getXaPrefix() {
        return xaPrefix == null ? XaSettings.DEFAULT_PREFIX : xaPrefix;
    }

    /**
     * Sets the transaction id prefix (1 to 255 bytes of UTF-8).
     *
     * @throws IllegalArgumentException for an empty or longer prefix
     */
    public void setXaPrefix(String prefix) {
        new XaSettings(prefix, getXaRetryTimeout()); // validates
        this.xaPrefix = prefix;
    }

    /** How long (ms) the XAResource retries after transport failures before XAER_RMFAIL. */
    public long getXaRetryTimeout() {
        return xaRetryTimeout == null ? XaSettings.DEFAULT_RETRY_TIMEOUT_MS : xaRetryTimeout;
    }

    /** Sets how long (ms, at least 0) the XAResource retries after transport failures. */
    public void setXaRetryTimeout(long ms) {
        new XaSettings(getXaPrefix(), ms); // validates
        this.xaRetryTimeout = ms;
    }

    /** The base factory's settings plus {@code xaPrefix} and {@code xaRetryTimeout}. */
    @Override
    public void setProperty(String name, String value) {
        switch (name) {
            case "xaPrefix" -> setXaPrefix(value);
            case "xaRetryTimeout" -> {
                try {
                    setXaRetryTimeout(Long.parseLong(value.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("setting 'xaRetryTimeout' needs a number, got '" + value + "'",
                            e);
                }
            }
            default -> super.setProperty(name, value);
        }
    }

    @Override
    public Map<String, String> toProperties(boolean all) {
        Map<String, String> m = new LinkedHashMap<>();
        if (all || !XaSettings.DEFAULT_PREFIX.equals(getXaPrefix())) {
            m.put("xaPrefix", getXaPrefix());
        }
        if (all || getXaRetryTimeout() != XaSettings.DEFAULT_RETRY_TIMEOUT_MS) {
            m.put("xaRetryTimeout", String.valueOf(getXaRetryTimeout()));
        }
        m.putAll(super.toProperties(all));
        return m;
    }

    private XaSettings xaSettings() {
        return new XaSettings(getXaPrefix(), getXaRetryTimeout());
    }

    @Override
    public XAConnection createXAConnection() throws JMSException {
        return createXAConnection(getUser(), getPassword());
    }

    @Override
    public XAConnection createXAConnection(String userName, String password) throws JMSException {
        return opened(JmsXaConnection.open(config(userName, password), xaSettings()));
    }

    @Override
    public XAQueueConnection createXAQueueConnection() throws JMSException {
        return (XAQueueConnection) createXAConnection();
    }

    @Override
    public XAQueueConnection createXAQueueConnection(String userName, String password) throws JMSException {
        return (XAQueueConnection) createXAConnection(userName, password);
    }

    @Override
    public XATopicConnection createXATopicConnection() throws JMSException {
        return (XATopicConnection) createXAConnection();
    }

    @Override
    public XATopicConnection createXATopicConnection(String userName, String password) throws JMSException {
        return (XATopicConnection) createXAConnection(userName, password);
    }

    @Override
    public XAJMSContext createXAContext() {
        return createXAContext(getUser(), getPassword());
    }

    @Override
    public XAJMSContext createXAContext(String userName, String password) {
        try {
            return JmsXaContextImpl.create((JmsXaConnection) createXAConnection(userName, password));
        } catch (JMSException e) {
            throw JmsContextImpl.runtime(e);
        }
    }

    @Override
    public String toString() {
        return "StreamBusXAConnectionFactory[" + super.toString() + ", xaPrefix " + getXaPrefix() + "]";
    }
}
