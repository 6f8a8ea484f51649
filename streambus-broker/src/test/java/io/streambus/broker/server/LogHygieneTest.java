package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.GroupProtocol;
import io.streambus.protocol.group.JoinGroupRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Log hygiene over real sockets, reading what the broker logs (slf4j-simple writes to {@code System.err}, which the
 * test captures): a group id with a newline cannot forge a log line, a client looping on an unknown request type
 * writes a bounded number of lines, and connection resets are not logged at WARN.
 */
@ExtendWith(LeakCheck.class)
class LogHygieneTest {

    /** Runs {@code body} with {@code System.err} captured; returns what was written. */
    private static String captureErr(ThrowingRunnable body) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        capture.flush();
        return buf.toString(StandardCharsets.UTF_8);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static long linesContaining(String log, String text) {
        return Arrays.stream(log.split("\n")).filter(l -> l.contains(text)).count();
    }

    @Test
    void aGroupIdWithANewlineCannotForgeALogLine() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().build()) {
            int port = b.start();
            String log = captureErr(() -> {
                try (TestClient c = TestClient.connect(port)) {
                    JoinGroupRequest join = new JoinGroupRequest("g\n[main] WARN forged - admin logged in", 10_000,
                            5_000, "", "client\r\nforged", "consumer",
                            List.of(new GroupProtocol("range", new byte[0])));
                    assertThat(c.send(join).isError()).isFalse();
                }
            });
            assertThat(log).contains("g\\u000a[main] WARN forged");
            assertThat(log.lines()).noneMatch(l -> l.startsWith("[main] WARN forged"));
        }
    }

    @Test
    void aClientLoopingOnAnUnknownTypeWritesABoundedNumberOfLines() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().build()) {
            int port = b.start();
            String log = captureErr(() -> {
                try (TestClient c = TestClient.connect(port)) {
                    for (int i = 0; i < 500; i++) {
                        c.sendRaw(0x7E, 1, 0, new byte[0], io.streambus.protocol.ApiKey.HEALTH_CHECK);
                    }
                    for (int i = 0; i < 500; i++) {
                        assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.UNKNOWN_REQUEST);
                    }
                }
            });
            // The first ten, then at most one summary per 10 s: far below one line per request.
            assertThat(linesContaining(log, "unknown request type")).isBetween(1L, 11L);
        }
    }

    @Test
    void connectionResetsAreNotWarnings() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().build()) {
            int port = b.start();
            String log = captureErr(() -> {
                for (int i = 0; i < 100; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                    s.getOutputStream().write(TestClient.frame(1, 0x07, 0, 0, new byte[0]));
                    s.setSoLinger(true, 0); // close with a reset
                    s.close();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> b.connectionCount() == 0);
            });
            assertThat(linesContaining(log, "WARN")).isZero();
        }
    }
}
