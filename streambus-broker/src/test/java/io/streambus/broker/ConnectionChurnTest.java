package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.testkit.FaultProxy;
import io.streambus.testkit.Side;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario (d): connections churn. 200 connections ({@code -Dstreambus.slow=true}: 1,000) opened by 8 threads, each
 * does a request and then goes away in one of four ways: a clean close, a close with a request still outstanding, a
 * reset, or half-open (through a {@link FaultProxy}, the broker's side stays open while the client is gone). The
 * broker must count every connection it closes, end with only the ones the idle timeout has yet to reap, and keep
 * serving. Prints one SCENARIO-D line.
 */
@ExtendWith(LeakCheck.class)
class ConnectionChurnTest {
    private static final int CONNECTIONS = Boolean.getBoolean("streambus.slow") ? 1000 : 200;

    @Test
    void churningConnectionsLeaveNothingBehind() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().temporary().idleTimeout(Duration.ofSeconds(3)).build()) {
            int port = broker.start();
            AtomicInteger served = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            long t0 = System.nanoTime();
            try (FaultProxy proxy = FaultProxy.start(port)) {
                List<Future<?>> tasks = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    int kind = i % 4;
                    tasks.add(pool.submit(() -> {
                        churnOnce(kind, port, proxy, served);
                        return null;
                    }));
                }
                for (Future<?> f : tasks) {
                    f.get(60, TimeUnit.SECONDS);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                int openAfterChurn = broker.connectionCount();
                // Half-open ones are reaped by the idle timeout; everything else is gone already or soon.
                await().atMost(Duration.ofSeconds(20)).until(() -> broker.connectionCount() == 0);
                try (TestClient c = TestClient.connect(port)) {
                    assertThat(c.send(new HealthCheckRequest()).isError()).as("still serving").isFalse();
                }
                System.out.printf("SCENARIO-D connections=%d in %.1f s (%.0f/s), answered=%d, open right after=%d, "
                        + "open after the idle timeout=0%n", CONNECTIONS, seconds, CONNECTIONS / seconds,
                        served.get(), openAfterChurn);
                assertThat(served.get()).isEqualTo(CONNECTIONS);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void churnOnce(int kind, int port, FaultProxy proxy, AtomicInteger served) throws IOException {
        switch (kind) {
            case 0 -> {
                try (TestClient c = TestClient.connect(port)) {
                    assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
                    served.incrementAndGet();
                }
            }
            case 1 -> {
                try (TestClient c = TestClient.connect(port)) {
                    assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
                    served.incrementAndGet();
                    c.sendAsync(new HealthCheckRequest()); // gone before the reply
                }
            }
            case 2 -> {
                TestClient c = TestClient.connect(port);
                assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
                served.incrementAndGet();
                Socket s = c.socket();
                s.setSoLinger(true, 0);
                c.close(); // RST
            }
            default -> {
                // One at a time: half-opening acts on every connection through the proxy.
                synchronized (proxy) {
                    halfOpen(port, proxy, served);
                }
            }
        }
    }

    private static void halfOpen(int port, FaultProxy proxy, AtomicInteger served) throws IOException {
        try (TestClient c = TestClient.connect("127.0.0.1", proxy.port(), Duration.ofSeconds(5))) {
            assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
            served.incrementAndGet();
            proxy.halfOpenConnections(Side.SERVER); // the broker's side is left open, the client's closed
        }
    }
}
