package io.streambus.jms.jndi;

import io.streambus.jms.StreamBusConnectionFactory;
import io.streambus.jms.StreamBusQueue;
import io.streambus.jms.StreamBusTopic;
import io.streambus.jms.StreamBusXAConnectionFactory;
import jakarta.jms.InvalidDestinationException;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.naming.ConfigurationException;
import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.spi.InitialContextFactory;

/**
 * A JNDI {@link InitialContextFactory} built from properties, in the style of the ActiveMQ and Qpid clients, for
 * applications that look their JMS objects up:
 * <pre>
 * java.naming.factory.initial = io.streambus.jms.jndi.StreamBusInitialContextFactory
 * connectionFactory.ConnectionFactory = streambus://127.0.0.1:9092?clientID=app
 * queue.jms/Orders = orders
 * topic.jms/Prices = prices
 * </pre>
 * <ul>
 * <li>{@code connectionFactory.<jndiName> = <broker URL>} binds a {@link StreamBusConnectionFactory};</li>
 * <li>{@code xaConnectionFactory.<jndiName> = <broker URL>} binds a {@link StreamBusXAConnectionFactory};</li>
 * <li>{@code queue.<jndiName> = <topic>} and {@code topic.<jndiName> = <topic>} bind destinations;</li>
 * <li>if no {@code connectionFactory.*} entry is given, {@code java.naming.provider.url} (when set to a
 * {@code streambus://} URL) is bound as {@code ConnectionFactory};</li>
 * <li>{@code dynamicQueues/<topic>} and {@code dynamicTopics/<topic>} look up destinations not listed.</li>
 * </ul>
 * The context is read-only. Thread-safe.
 */
public class StreamBusInitialContextFactory implements InitialContextFactory {
    public static final String CONNECTION_FACTORY_PREFIX = "connectionFactory.";
    public static final String XA_CONNECTION_FACTORY_PREFIX = "xaConnectionFactory.";
    public static final String QUEUE_PREFIX = "queue.";
    public static final String TOPIC_PREFIX = "topic.";

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) throws NamingException {
        Map<String, Object> bindings = new LinkedHashMap<>();
        Hashtable<Object, Object> env = new Hashtable<>();
        if (environment != null) {
            env.putAll(environment);
        }
        boolean anyFactory = false;
        for (Map.Entry<Object, Object> e : env.entrySet()) {
            String key = String.valueOf(e.getKey());
            String value = String.valueOf(e.getValue());
            try {
                if (key.startsWith(CONNECTION_FACTORY_PREFIX)) {
                    bindings.put(jndiName(key, CONNECTION_FACTORY_PREFIX), new StreamBusConnectionFactory(value));
                    anyFactory = true;
                } else if (key.startsWith(XA_CONNECTION_FACTORY_PREFIX)) {
                    bindings.put(jndiName(key, XA_CONNECTION_FACTORY_PREFIX), new StreamBusXAConnectionFactory(value));
                    anyFactory = true;
                } else if (key.startsWith(QUEUE_PREFIX)) {
                    bindings.put(jndiName(key, QUEUE_PREFIX), StreamBusQueue.of(value));
                } else if (key.startsWith(TOPIC_PREFIX)) {
                    bindings.put(jndiName(key, TOPIC_PREFIX), StreamBusTopic.of(value));
                }
            } catch (IllegalArgumentException | InvalidDestinationException ex) {
                ConfigurationException ce = new ConfigurationException("JNDI property " + key + "=" + value + ": "
                        + ex.getMessage());
                ce.setRootCause(ex);
                throw ce;
            }
        }
        Object providerUrl = env.get(Context.PROVIDER_URL);
        if (!anyFactory && providerUrl != null
                && String.valueOf(providerUrl).startsWith(StreamBusConnectionFactory.SCHEME)) {
            try {
                bindings.put("ConnectionFactory", new StreamBusConnectionFactory(String.valueOf(providerUrl)));
            } catch (IllegalArgumentException ex) {
                ConfigurationException ce = new ConfigurationException(Context.PROVIDER_URL + ": " + ex.getMessage());
                ce.setRootCause(ex);
                throw ce;
            }
        }
        return new ReadOnlyContext(env, bindings);
    }

    private static String jndiName(String key, String prefix) throws ConfigurationException {
        String name = key.substring(prefix.length());
        if (name.isEmpty()) {
            throw new ConfigurationException("JNDI property " + key + " has an empty name after the prefix");
        }
        return name;
    }
}
