package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.jndi.StreamBusInitialContextFactory;
import io.streambus.jms.jndi.StreamBusObjectFactory;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.Hashtable;
import java.util.Properties;
import javax.naming.ConfigurationException;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.Reference;
import org.junit.jupiter.api.Test;

/** Factory configuration (URL, bean properties), serialization, JNDI references and the JNDI context. */
class ConnectionFactoryTest {

    @Test
    void urlSetsBrokersBeanPropertiesAndClientKeys() {
        StreamBusConnectionFactory cf = new StreamBusConnectionFactory(
                "streambus://h1:9092,h2:9093?clientID=app&prefetch=50&linger.ms=5&objectMessageAllowList="
                        + "com.acme.*%3Bjava.lang.*");
        assertThat(cf.getBootstrapServers()).isEqualTo("h1:9092,h2:9093");
        assertThat(cf.getClientID()).isEqualTo("app");
        assertThat(cf.getPrefetch()).isEqualTo(50);
        assertThat(cf.getClientProperties()).containsEntry("linger.ms", "5");
        assertThat(cf.getObjectMessageAllowList()).isEqualTo("com.acme.*;java.lang.*");
        // The URL round-trips.
        StreamBusConnectionFactory again = new StreamBusConnectionFactory(cf.getBrokerURL());
        assertThat(again.toProperties(true)).isEqualTo(cf.toProperties(true));
    }

    @Test
    void badUrlsAndUnknownSettingsAreNamed() {
        assertThatThrownBy(() -> new StreamBusConnectionFactory("tcp://h:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streambus://");
        assertThatThrownBy(() -> new StreamBusConnectionFactory("streambus://h:1?prefetsh=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefetsh");
        assertThatThrownBy(() -> new StreamBusConnectionFactory("streambus://h:1?prefetch=many"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefetch");
        assertThatThrownBy(() -> new StreamBusConnectionFactory("streambus://h:1?prefetch=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefetch");
        assertThatThrownBy(() -> new StreamBusConnectionFactory("streambus://?clientID=x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> new StreamBusConnectionFactory().setForeignRecordType("xml"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidClientKeyFailsAtConnectionTimeWithTheKey() {
        StreamBusConnectionFactory cf = new StreamBusConnectionFactory("streambus://127.0.0.1:1?linger.mss=3");
        assertThatThrownBy(cf::createConnection).isInstanceOf(JMSException.class).hasMessageContaining("linger.mss");
    }

    @Test
    void unreachableBrokerFailsFast() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        StreamBusConnectionFactory cf = new StreamBusConnectionFactory("streambus://127.0.0.1:" + free
                + "?requestTimeout=1500&connect.timeout.ms=500&api.timeout.ms=1500");
        long t0 = System.nanoTime();
        assertThatThrownBy(cf::createConnection).isInstanceOf(JMSException.class)
                .hasMessageContaining("127.0.0.1:" + free);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
    }

    @Test
    void factoryAndDestinationsSerializeAndRebuildFromReferences() throws Exception {
        StreamBusConnectionFactory cf = new StreamBusConnectionFactory("streambus://h:1?clientID=c&sendTimeout=7");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(cf);
            out.writeObject(StreamBusQueue.of("q1"));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
            StreamBusConnectionFactory back = (StreamBusConnectionFactory) in.readObject();
            assertThat(back.getBrokerURL()).isEqualTo(cf.getBrokerURL());
            assertThat(in.readObject()).isEqualTo(StreamBusQueue.of("q1"));
        }
        Reference ref = cf.getReference();
        Object rebuilt = new StreamBusObjectFactory().getObjectInstance(ref, null, null, null);
        assertThat(((StreamBusConnectionFactory) rebuilt).getBrokerURL()).isEqualTo(cf.getBrokerURL());
        Object topic = new StreamBusObjectFactory().getObjectInstance(StreamBusTopic.of("t1").getReference(), null,
                null, null);
        assertThat(topic).isEqualTo(StreamBusTopic.of("t1"));
    }

    @Test
    void jndiContextFromProperties() throws Exception {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, StreamBusInitialContextFactory.class.getName());
        env.put("connectionFactory.ConnectionFactory", "streambus://127.0.0.1:9092?clientID=jndi");
        env.put("connectionFactory.other", "streambus://10.0.0.1:9000");
        env.put("queue.jms/Orders", "orders");
        env.put("topic.jms/Prices", "prices");
        InitialContext ctx = new InitialContext(env);
        ConnectionFactory cf = (ConnectionFactory) ctx.lookup("ConnectionFactory");
        assertThat(((StreamBusConnectionFactory) cf).getClientID()).isEqualTo("jndi");
        assertThat(((StreamBusConnectionFactory) ctx.lookup("other")).getBootstrapServers())
                .isEqualTo("10.0.0.1:9000");
        assertThat(((Queue) ctx.lookup("jms/Orders")).getQueueName()).isEqualTo("orders");
        assertThat(((Topic) ctx.lookup("jms/Prices")).getTopicName()).isEqualTo("prices");
        assertThat(((Queue) ctx.lookup("dynamicQueues/adhoc")).getQueueName()).isEqualTo("adhoc");
        assertThat(((Topic) ctx.lookup("dynamicTopics/news")).getTopicName()).isEqualTo("news");
        assertThatThrownBy(() -> ctx.lookup("missing")).isInstanceOf(NameNotFoundException.class);
        assertThat(Collections.list(ctx.list(""))).hasSize(4);
        assertThatThrownBy(() -> ctx.bind("x", "y")).isInstanceOf(javax.naming.OperationNotSupportedException.class);
        ctx.close();

        Properties p = new Properties();
        p.put(Context.INITIAL_CONTEXT_FACTORY, StreamBusInitialContextFactory.class.getName());
        p.put(Context.PROVIDER_URL, "streambus://127.0.0.1:9999");
        assertThat(((StreamBusConnectionFactory) new InitialContext(p).lookup("ConnectionFactory"))
                .getBootstrapServers()).isEqualTo("127.0.0.1:9999");

        Hashtable<String, String> bad = new Hashtable<>();
        bad.put(Context.INITIAL_CONTEXT_FACTORY, StreamBusInitialContextFactory.class.getName());
        bad.put("queue.q", "not a valid/name");
        assertThatThrownBy(() -> new InitialContext(bad)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("queue.q");
    }

    @Test
    void metaDataSaysJms31() throws Exception {
        ConnectionMetaData md = StreamBusConnectionMetaData.INSTANCE;
        assertThat(md.getJMSVersion()).isEqualTo("3.1");
        assertThat(md.getJMSMajorVersion()).isEqualTo(3);
        assertThat(md.getJMSMinorVersion()).isEqualTo(1);
        assertThat(md.getJMSProviderName()).isEqualTo("StreamBus JMS");
        assertThat(Collections.list(md.getJMSXPropertyNames())).contains("JMSXDeliveryCount", "JMSXGroupID");
    }
}
