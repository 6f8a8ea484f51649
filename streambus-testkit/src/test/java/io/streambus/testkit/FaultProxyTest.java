package io.streambus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
    private ServerSocket echo;
    private final AtomicInteger serverEofs = new AtomicInteger();
    private FaultProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread h = new Thread(() -> echoLoop(s));
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = FaultProxy.start(echo.getLocalPort());
    }

    private void echoLoop(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] b = new byte[8192];
            int n;
            while ((n = in.read(b)) >= 0) {
                out.write(b, 0, n);
            }
        } catch (IOException e) {
            // reset
        }
        serverEofs.incrementAndGet();
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 2000);
        s.setSoTimeout(3000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(out);
        byte[] in = new byte[out.length];
        new DataInputStream(s.getInputStream()).readFully(in);
        return new String(in, StandardCharsets.UTF_8);
    }

    @Test
    void forwardsBothWaysAndCounts() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);
        // A chunk is counted after its write returns, so the echo can be back before the count of what it answers.
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.bytesForwarded(Direction.TO_SERVER) == 5
                && proxy.bytesForwarded(Direction.TO_CLIENT) == 5 && proxy.openConnections() == 0);
    }

    @Test
    void latencyDelaysEachDirectionAndKeepsOrder() throws IOException {
        proxy.latency(Duration.ofMillis(100), Duration.ofMillis(50));
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                sent.append(i).append(',');
                s.getOutputStream().write((i + ",").getBytes(StandardCharsets.UTF_8));
            }
            byte[] in = new byte[sent.length()];
            new DataInputStream(s.getInputStream()).readFully(in);
            assertThat(new String(in, StandardCharsets.UTF_8)).isEqualTo(sent.toString());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
    }

    @Test
    void bandwidthLimitPacesBytes() throws IOException {
        proxy.bandwidth(100_000);
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            assertThat(roundTrip(s, "x".repeat(30_000))).hasSize(30_000);
            // 30 kB each way at 100 kB/s: at least about 0.3 s one way (pipelined, the two directions overlap)
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void droppedRepliesReachTheServerButNeverTheClient() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            proxy.dropReplies(true);
            s.setSoTimeout(300);
            s.getOutputStream().write('b');
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.bytesForwarded(Direction.TO_SERVER)).isEqualTo(2);
            assertThat(proxy.bytesDropped(Direction.TO_CLIENT)).isEqualTo(1);
            proxy.heal();
            s.setSoTimeout(3000);
            assertThat(roundTrip(s, "c")).isEqualTo("c");
        }
    }

    @Test
    void resetGivesBothEndsAnError() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            assertThat(proxy.resetAll()).isEqualTo(1);
            assertThatThrownBy(() -> {
                s.getOutputStream().write('x');
                if (s.getInputStream().read() >= 0) {
                    throw new AssertionError("read data after a reset");
                }
                throw new SocketException("end of stream");
            }).isInstanceOf(SocketException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> serverEofs.get() == 1);
        }
    }

    @Test
    void blackHoleSwallowsBothWaysAndNewConnectionsStayDead() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            proxy.blackHole(true);
            s.setSoTimeout(300);
            s.getOutputStream().write('b');
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            try (Socket late = connect()) {
                late.setSoTimeout(300);
                late.getOutputStream().write('z');
                // Whether a connection is black-holed is decided when the proxy accepts it.
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connectionsAccepted() == 2);
                proxy.blackHole(false);
                assertThatThrownBy(() -> late.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(serverEofs.get()).as("the server never learnt of anything").isZero();
            s.setSoTimeout(3000);
            assertThat(roundTrip(s, "c")).as("the old connection lost b and carries on").isEqualTo("c");
        }
    }

    @Test
    void halfOpenClosesTheServerSideWhileTheClientHearsNothing() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            proxy.halfOpenConnections(Side.CLIENT);
            await().atMost(Duration.ofSeconds(5)).until(() -> serverEofs.get() == 1);
            s.setSoTimeout(300);
            s.getOutputStream().write('b');
            assertThatThrownBy(() -> s.getInputStream().read()).as("no FIN, no reset: silence")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.openConnections()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
    }

    @Test
    void dropReplyEveryResetsThatConnectionButNeverDropsTheFirstReply() throws IOException {
        proxy.dropReplyEvery(2);
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "1")).as("a connection's first reply always passes").isEqualTo("1");
            assertThat(roundTrip(s, "2")).as("reply chunk 1 of the counted ones passes").isEqualTo("2");
            s.getOutputStream().write('3');
            assertThatThrownBy(() -> {
                if (s.getInputStream().read() < 0) {
                    throw new SocketException("end of stream");
                }
            }).as("reply chunk 2 dropped and the connection reset").isInstanceOf(SocketException.class);
        }
        assertThat(proxy.faults()).isEqualTo(1);
        proxy.dropReplyEvery(0).dropNextReply();
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            s.getOutputStream().write('b');
            assertThatThrownBy(() -> {
                if (s.getInputStream().read() < 0) {
                    throw new SocketException("end of stream");
                }
            }).isInstanceOf(SocketException.class);
        }
        assertThat(proxy.faults()).isEqualTo(2);
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            assertThat(roundTrip(s, "y")).as("dropNextReply acts once").isEqualTo("y");
        }
    }

    @Test
    void refusedConnectionsAreResetAtOnce() throws IOException {
        proxy.refuseConnections(true);
        assertThatThrownBy(() -> {
            try (Socket s = connect()) {
                s.getOutputStream().write('x');
                if (s.getInputStream().read() < 0) {
                    throw new SocketException("end of stream");
                }
            }
        }).isInstanceOf(SocketException.class);
        proxy.refuseConnections(false);
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "ok")).isEqualTo("ok");
        }
    }
}
