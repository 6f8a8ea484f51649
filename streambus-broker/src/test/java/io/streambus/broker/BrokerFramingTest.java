package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Vectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Framing and connection handling (A.3, A.8.4, A.8.5, A.8.8): closes, unknown types, pipelining, idle timeout. */
@ExtendWith(LeakCheck.class)
class BrokerFramingTest {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedBroker.builder().temporary().build();
        broker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void unknownTypesGetCode1AndTheConnectionKeepsWorking() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            // 0x00, reserved 0x1D-0x1F, share groups 0x15 (not served) and 0xFF.
            for (int type : new int[] {0x00, 0x15, 0x1D, 0x1F, 0x23, 0xFF}) {
                c.sendRaw(type, 1, 0, new byte[] {1, 2, 3}, ApiKey.HEALTH_CHECK);
                Response r = c.receive();
                assertThat(r.errorCode()).as("type %d", type).isEqualTo(ErrorCode.UNKNOWN_REQUEST);
                assertThat(r.errorMessage()).startsWith("unknown request type");
                assertThat(c.send(new HealthCheckRequest()).body(HealthCheckResponse.class).status()).isEqualTo("healthy");
            }
        }
    }

    @Test
    void badCrcClosesWithoutReplyAfterAnsweringEarlierRequests() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            c.sendAsync(new HealthCheckRequest());
            c.writeRaw(Vectors.bytes("produce-request-1-badcrc"));
            assertThat(c.receive().isError()).isFalse();
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
        // Nothing from the corrupt Produce (topic "orders") was applied.
        try (TestClient c = TestClient.connect(broker.port())) {
            Response r = c.send(new GetOffsetRequest("orders", 0));
            if (!r.isError()) {
                assertThat(r.body(GetOffsetResponse.class).endOffset()).isZero();
            }
        }
    }

    @Test
    void badCrcAfterAPipelinedRequestStillAnswersIt() throws IOException {
        byte[] good = Vectors.bytes("healthcheck-request-1");
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        byte[] both = concat(good, bad);
        try (TestClient c = TestClient.connect(broker.port())) {
            c.writeRaw(both);
            byte[] reply = c.readFrameContent();
            assertThat(reply).isNotNull();
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void lengthsBelowTheSmallestFrameClose() throws IOException {
        for (int length = 0; length <= 15; length++) {
            byte[] frame = new byte[4 + length];
            ByteBuffer.wrap(frame).putInt(length);
            if (length >= 4) {
                // A matching CRC over what precedes it, so only the length is wrong (A.8.5 row 4).
                CRC32 crc = new CRC32();
                crc.update(frame, 4, length - 4);
                ByteBuffer.wrap(frame).putInt(frame.length - 4, (int) crc.getValue());
            }
            try (TestClient c = TestClient.connect(broker.port())) {
                c.writeRaw(frame);
                assertThat(c.closedByPeer(Duration.ofSeconds(5))).as("length %d", length).isTrue();
            }
        }
        assertBrokerAnswers();
    }

    @Test
    void lengthAboveTenMebibytesClosesWithoutReadingTheBody() throws IOException {
        for (long length : new long[] {10_485_761L, 0x7FFF_FFFFL, 0xFFFF_FFFFL}) {
            try (TestClient c = TestClient.connect(broker.port())) {
                c.writeRaw(ByteBuffer.allocate(4).putInt((int) length).array());
                assertThat(c.closedByPeer(Duration.ofSeconds(5))).as("length %d", length).isTrue();
            }
        }
        assertBrokerAnswers();
    }

    @Test
    void thousandPipelinedRequestsAreAnsweredInOrder() throws IOException {
        String topic = "pipelined";
        List<RequestBody> bodies = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            switch (i % 4) {
                case 0, 1 -> bodies.add(TestClient.produce(topic, 0, "m" + i));
                case 2 -> bodies.add(new FetchRequest(topic, 0, 0, 64));
                default -> bodies.add(new HealthCheckRequest());
            }
        }
        try (TestClient c = TestClient.connect(broker.port())) {
            List<Response> replies = c.pipeline(bodies); // receive() checks each request id against FIFO order
            long expectedOffset = 0;
            for (int i = 0; i < replies.size(); i++) {
                Response r = replies.get(i);
                assertThat(r.header().requestId()).isEqualTo(i + 1);
                assertThat(r.isError()).isFalse();
                if (i % 4 < 2) {
                    assertThat(r.body(ProduceResponse.class).baseOffset()).isEqualTo(expectedOffset++);
                }
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws IOException {
        try (EmbeddedBroker quick = EmbeddedBroker.builder().temporary().idleTimeout(Duration.ofMillis(300)).build()) {
            int port = quick.start();
            try (TestClient c = TestClient.connect(port)) {
                assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
                assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
            }
            // A connection that keeps talking stays open.
            try (TestClient c = TestClient.connect(port)) {
                for (int i = 0; i < 6; i++) {
                    assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
                    sleep(100); // elapsed time against Netty's idle timer, which takes no injected clock
                }
            }
        }
    }

    @Test
    void connectionsAboveTheLimitAreClosedAtOnce() throws IOException {
        try (EmbeddedBroker small = EmbeddedBroker.builder().temporary().maxConnections(2).build()) {
            int port = small.start();
            try (TestClient a = TestClient.connect(port); TestClient b = TestClient.connect(port)) {
                assertThat(a.send(new HealthCheckRequest()).isError()).isFalse();
                assertThat(b.send(new HealthCheckRequest()).isError()).isFalse();
                try (TestClient c = TestClient.connect(port)) {
                    assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> small.connectionCount() == 0);
            try (TestClient d = TestClient.connect(port)) {
                assertThat(d.send(new HealthCheckRequest()).isError()).isFalse();
            }
        }
    }

    @Test
    void everyVectorRequestGetsAnAnswerOrAClose() throws IOException {
        // Golden request frames of every type, sent on one connection each: Part A types succeed or fail with a
        // code; Part B types this broker does not serve get code 1; ApiVersions is answered.
        for (String name : Vectors.frameNames()) {
            if (Vectors.isResponse(name) || name.endsWith("badcrc")) {
                continue;
            }
            try (TestClient c = TestClient.connect(broker.port())) {
                c.writeRaw(Vectors.bytes(name));
                byte[] reply = c.readFrameContent();
                assertThat(reply).as(name).isNotNull();
                assertThat(c.send(new HealthCheckRequest()).isError()).as(name).isFalse();
            }
        }
    }

    private static void assertBrokerAnswers() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            assertThat(c.send(new HealthCheckRequest()).body(HealthCheckResponse.class).status()).isEqualTo("healthy");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
