package io.streambus.jms;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One embedded broker per test class on 127.0.0.1 (real sockets), and factories tuned for fast tests (short fetch
 * backoff and poll interval). Connections made through {@link #connect()} are closed after each test. Netty buffer
 * leaks (client or broker side) fail the class.
 */
@ExtendWith(LeakCheck.class)
public abstract class BrokerSupport {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path dataDir;
    protected static EmbeddedBroker broker;
    protected static int port;
    private final List<Connection> connections = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedBroker.builder().port(0).dataDir(dataDir).build();
        port = broker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void closeConnections() throws JMSException {
        for (Connection c : connections) {
            c.close();
        }
        connections.clear();
    }

    /** Broker URL with test-friendly timings. */
    protected static String url(String extra) {
        return "streambus://127.0.0.1:" + port + "?fetch.backoff.ms=5&pollInterval=20&healthCheckInterval=200"
                + "&requestTimeout=5000&closeTimeout=5000&sendTimeout=5000&reconnect.backoff.max.ms=200"
                + "&circuit.breaker.open.ms=200&session.timeout.ms=6000&heartbeat.interval.ms=500"
                + (extra.isEmpty() ? "" : "&" + extra);
    }

    protected static StreamBusConnectionFactory factory() {
        return new StreamBusConnectionFactory(url(""));
    }

    protected static StreamBusConnectionFactory factory(String extra) {
        return new StreamBusConnectionFactory(url(extra));
    }

    /** A started connection, closed after the test. */
    protected Connection connect() throws JMSException {
        return track(factory().createConnection(), true);
    }

    protected Connection track(Connection c, boolean start) throws JMSException {
        connections.add(c);
        if (start) {
            c.start();
        }
        return c;
    }

    /**
     * Waits until consumer group {@code group} is Stable: its rebalance finished and every member has its
     * partitions (the members that joined before this call).
     */
    protected static void awaitGroupStable(String group) {
        try (StreamBusClient raw = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:" + port))) {
            Awaitility.await("group " + group + " stable").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> raw.admin().listGroups(group).get(5, TimeUnit.SECONDS).stream()
                            .anyMatch(g -> g.groupId().equals(group) && g.state().equals("Stable")));
        }
    }

    /** A topic name unique in this JVM run. */
    protected static String unique(String base) {
        return base + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100000;
    }
}
