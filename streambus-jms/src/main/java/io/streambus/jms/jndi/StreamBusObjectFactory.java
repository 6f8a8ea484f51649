package io.streambus.jms.jndi;

import io.streambus.jms.StreamBusConnectionFactory;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.StreamBusXAConnectionFactory;
import java.util.Enumeration;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.RefAddr;
import javax.naming.Reference;
import javax.naming.spi.ObjectFactory;

/**
 * Rebuilds connection factories and destinations from the {@link Reference}s they store in a JNDI directory.
 * Stateless, thread-safe.
 */
public class StreamBusObjectFactory implements ObjectFactory {

    @Override
    public Object getObjectInstance(Object obj, Name name, Context nameCtx, Hashtable<?, ?> environment)
            throws Exception {
        if (!(obj instanceof Reference ref)) {
            return null;
        }
        String className = ref.getClassName();
        boolean xa = StreamBusXAConnectionFactory.class.getName().equals(className);
        if (xa || StreamBusConnectionFactory.class.getName().equals(className)) {
            StreamBusConnectionFactory cf = xa ? new StreamBusXAConnectionFactory() : new StreamBusConnectionFactory();
            Enumeration<RefAddr> all = ref.getAll();
            while (all.hasMoreElements()) {
                RefAddr a = all.nextElement();
                cf.setProperty(a.getType(), String.valueOf(a.getContent()));
            }
            return cf;
        }
        RefAddr uri = ref.get("uri");
        if (uri != null && className != null && className.startsWith("io.streambus.jms.StreamBus")) {
            return StreamBusDestination.fromURI(String.valueOf(uri.getContent()));
        }
        return null;
    }
}
