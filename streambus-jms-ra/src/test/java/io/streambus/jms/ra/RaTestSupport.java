package io.streambus.jms.ra;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.jms.StreamBusConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.transaction.TransactionManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One embedded broker per test class on 127.0.0.1 (real sockets; transactions, two-phase commit and share groups
 * are on by default), Narayana as the JTA transaction manager (one per JVM), a WorkManager, and resource adapters
 * and plain JMS connections that are stopped/closed after each test. Netty buffer leaks fail the class.
 */
@ExtendWith(LeakCheck.class)
abstract class RaTestSupport {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TransactionManager tm;

    @TempDir
    static Path dataDir;
    static EmbeddedBroker broker;
    static int port;
    static TestWorkManager work;

    private final List<StreamBusResourceAdapter> adapters = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedBroker.builder().port(0).dataDir(dataDir.resolve("broker")).build();
        port = broker.start();
        work = new TestWorkManager();
    }

    @AfterAll
    static void stopBroker() throws InterruptedException {
        if (work != null) {
            work.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void stopAdapters() throws Exception {
        for (StreamBusResourceAdapter ra : adapters) {
            ra.stop();
        }
        adapters.clear();
        for (Connection c : connections) {
            c.close();
        }
        connections.clear();
        TransactionManager t = tm();
        if (t.getTransaction() != null) {
            t.rollback();
        }
    }

    /** Narayana, configured once per JVM with its object store in a temporary directory. */
    static synchronized TransactionManager tm() throws Exception {
        if (tm == null) {
            Path store = Files.createTempDirectory("streambus-ra-narayana");
            for (String name : new String[] {null, "communicationStore", "stateStore"}) {
                ObjectStoreEnvironmentBean bean = name == null
                        ? BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class)
                        : BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name);
                bean.setObjectStoreDir(store.toString());
            }
            arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("ra-test");
            tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        }
        return tm;
    }

    /** Broker URL with test-friendly timings. */
    static String url(int brokerPort) {
        return "streambus://127.0.0.1:" + brokerPort + "?fetch.backoff.ms=5&pollInterval=20&healthCheckInterval=1000"
                + "&requestTimeout=5000&closeTimeout=5000&sendTimeout=5000&reconnect.backoff.max.ms=200"
                + "&circuit.breaker.open.ms=200&session.timeout.ms=6000&heartbeat.interval.ms=500";
    }

    static String url() {
        return url(port);
    }

    /** A started resource adapter for this class's broker, stopped after the test. */
    StreamBusResourceAdapter startAdapter() throws Exception {
        StreamBusResourceAdapter ra = new StreamBusResourceAdapter();
        ra.setBrokerURL(url());
        ra.setSetupInterval(100L);
        ra.start(work);
        adapters.add(ra);
        return ra;
    }

    /** A started plain provider connection, closed after the test. */
    Connection plainConnection() throws JMSException {
        Connection c = new StreamBusConnectionFactory(url()).createConnection();
        connections.add(c);
        c.start();
        return c;
    }

    /** A name unique in this JVM run. */
    static String unique(String base) {
        return base + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100000;
    }
}
