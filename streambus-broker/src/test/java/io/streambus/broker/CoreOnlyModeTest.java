package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ApiVersionsRequest;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.Frames;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.common.Header;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.Vectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Core-only mode: Part A as usual, and every other request type closes the connection like the reference (A.8.7). */
@ExtendWith(LeakCheck.class)
class CoreOnlyModeTest {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedBroker.builder().temporary().coreOnly(true).build();
        broker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void everyPartBTypeClosesWithoutReply() throws IOException {
        for (ApiKey k : ApiKey.values()) {
            if (!k.isExtension()) {
                continue;
            }
            try (TestClient c = TestClient.connect(broker.port())) {
                c.sendRaw(k.code(), 1, 0, new byte[0], ApiKey.HEALTH_CHECK);
                assertThat(c.closedByPeer(Duration.ofSeconds(5))).as(k.name()).isTrue();
            }
        }
        for (int type : new int[] {0x00, 0x15, 0xFF}) {
            try (TestClient c = TestClient.connect(broker.port())) {
                c.sendRaw(type, 1, 0, new byte[0], ApiKey.HEALTH_CHECK);
                assertThat(c.closedByPeer(Duration.ofSeconds(5))).as("type %d", type).isTrue();
            }
        }
    }

    @Test
    void probeSeesAClosedConnectionAfterEarlierRepliesAndRequestsBehindItAreLost() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            c.sendAsync(new HealthCheckRequest());
            c.sendAsync(new ApiVersionsRequest("probe", "1"));
            c.writeRaw(Vectors.bytes("healthcheck-request-1"));
            assertThat(c.receive().body(HealthCheckResponse.class).status()).isEqualTo("healthy");
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void partAWorks() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            ProduceRequest p = new ProduceRequest("core", 0, TestClient.block(List.of(new TestClient.Msg(7,
                    "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8),
                    List.of(Header.of("h", "1"))))));
            assertThat(c.send(p).body(ProduceResponse.class).baseOffset()).isZero();
            Response f = c.send(new FetchRequest("core", 0, 0, 1024));
            assertThat(f.fetched()).singleElement().satisfies(m -> {
                assertThat(m.valueString()).isEqualTo("v");
                assertThat(m.timestampNanos()).isEqualTo(7);
            });
            assertThat(c.send(new GetOffsetRequest("core", 0)).body(GetOffsetResponse.class).endOffset()).isEqualTo(1);
        }
    }

    @Test
    void extensionFlagsAreRefusedWithCode2InsteadOfMisparsed() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            Response r = c.send(new ProduceRequest("core-flags", 0, TestClient.block(List.of(TestClient.Msg.of("k", "v"))),
                    CompressionCodec.GZIP, null));
            assertThat(r.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            c.sendRaw(ApiKey.FETCH.code(), 1, Frames.FLAG_COMPRESSED, new byte[0], ApiKey.FETCH);
            assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            c.sendRaw(ApiKey.PRODUCE.code(), 1, Frames.FLAG_TRANSACTIONAL, new byte[0], ApiKey.PRODUCE);
            assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
            assertThat(c.send(new GetOffsetRequest("core-flags", 0)).errorCode()).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        }
    }
}
