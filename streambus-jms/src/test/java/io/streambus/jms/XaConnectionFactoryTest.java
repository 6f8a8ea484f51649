package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.jndi.StreamBusInitialContextFactory;
import io.streambus.jms.jndi.StreamBusObjectFactory;
import jakarta.jms.XAConnectionFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Hashtable;
import java.util.Properties;
import javax.naming.Context;
import javax.naming.InitialContext;
import org.junit.jupiter.api.Test;

/** The XA factory's settings: URL parameters, properties, validation, serialization, JNDI. No broker needed. */
class XaConnectionFactoryTest {

    @Test
    void xaSettingsComeFromTheUrlPropertiesAndSetters() {
        StreamBusXAConnectionFactory defaults = new StreamBusXAConnectionFactory();
        assertThat(defaults.getXaPrefix()).isEqualTo("jms");
        assertThat(defaults.getXaRetryTimeout()).isEqualTo(30_000);
        assertThat(defaults.toProperties(false)).doesNotContainKeys("xaPrefix", "xaRetryTimeout");
        assertThat(defaults.toProperties(true)).containsEntry("xaPrefix", "jms").containsEntry("xaRetryTimeout",
                "30000");

        StreamBusXAConnectionFactory f = new StreamBusXAConnectionFactory(
                "streambus://h:1?xaPrefix=orders.app&xaRetryTimeout=2500&sendTimeout=7");
        assertThat(f.getXaPrefix()).isEqualTo("orders.app");
        assertThat(f.getXaRetryTimeout()).isEqualTo(2500);
        assertThat(f.getBrokerURL()).contains("xaPrefix=orders.app").contains("xaRetryTimeout=2500");

        Properties p = new Properties();
        p.setProperty("brokerURL", "streambus://h:2");
        p.setProperty("xaPrefix", "p2");
        assertThat(new StreamBusXAConnectionFactory(p).getXaPrefix()).isEqualTo("p2");

        assertThatThrownBy(() -> f.setXaPrefix("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.setXaPrefix("x".repeat(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.setXaRetryTimeout(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamBusXAConnectionFactory("streambus://h:1?xaRetryTimeout=soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xaRetryTimeout");
        assertThat(f.getXaPrefix()).as("unchanged by refused values").isEqualTo("orders.app");
        // The plain factory does not know the XA settings.
        assertThatThrownBy(() -> new StreamBusConnectionFactory("streambus://h:1?xaPrefix=x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theXaFactorySerializesAndComesBackFromJndi() throws Exception {
        StreamBusXAConnectionFactory f = new StreamBusXAConnectionFactory("streambus://h:1?xaPrefix=ser&clientID=c");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(f);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
            StreamBusXAConnectionFactory back = (StreamBusXAConnectionFactory) in.readObject();
            assertThat(back.getXaPrefix()).isEqualTo("ser");
            assertThat(back.getClientID()).isEqualTo("c");
        }
        Object rebuilt = new StreamBusObjectFactory().getObjectInstance(f.getReference(), null, null, null);
        assertThat(rebuilt).isInstanceOf(StreamBusXAConnectionFactory.class);
        assertThat(((StreamBusXAConnectionFactory) rebuilt).getXaPrefix()).isEqualTo("ser");

        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, StreamBusInitialContextFactory.class.getName());
        env.put("xaConnectionFactory.jms/XA", "streambus://10.0.0.1:9000?xaPrefix=jndi");
        env.put("connectionFactory.jms/Plain", "streambus://10.0.0.1:9000");
        InitialContext ctx = new InitialContext(env);
        XAConnectionFactory xa = (XAConnectionFactory) ctx.lookup("jms/XA");
        assertThat(((StreamBusXAConnectionFactory) xa).getXaPrefix()).isEqualTo("jndi");
        assertThat(ctx.lookup("jms/Plain")).isNotInstanceOf(XAConnectionFactory.class);
        ctx.close();
    }
}
