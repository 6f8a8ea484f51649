package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.BrokerInternals;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.limits.MemoryBudget;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Frames;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.message.CompressionCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compression bomb of the hardening review over a real socket: a 60 KiB gzip block that inflates to 60 MiB, sent
 * by a principal without rights, is refused before anything is inflated; an allowed one is refused when the memory
 * budget cannot hold its claimed size. Measured by the broker's {@link MemoryBudget} counters.
 */
@ExtendWith(LeakCheck.class)
class CompressionBombAttackTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    static Path dir;
    private static Path acl;
    private static byte[] gzipBomb;

    @BeforeAll
    static void setUp() throws IOException {
        acl = dir.resolve("acl.txt");
        Files.writeString(acl, "allow anonymous produce,fetch,create topic:allowed-*\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[MIB];
            for (int i = 0; i < 60; i++) {
                gz.write(zeros);
            }
        }
        gzipBomb = out.toByteArray();
    }

    /** A compressed Produce payload (A.6.1, B.11) carrying {@link #gzipBomb}, claiming 60 MiB. */
    private static byte[] bombPayload(String topic) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + name.length + 4 + 1 + 4 + 4 + gzipBomb.length);
        b.putInt(name.length).put(name).putInt(0).put((byte) CompressionCodec.GZIP.id()).putInt(60 * MIB)
                .putInt(gzipBomb.length).put(gzipBomb);
        return b.array();
    }

    private static TestClient.Response sendBomb(TestClient c, String topic) throws IOException {
        c.sendRaw(ApiKey.PRODUCE.code(), 1, Frames.FLAG_COMPRESSED, bombPayload(topic), ApiKey.PRODUCE);
        return c.receive();
    }

    @Test
    void aDeniedPrincipalsBombIsRefusedBeforeItIsInflated() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().acl(acl).memoryBudget(256L * MIB).build();
                TestClient c = TestClient.connect(b.start())) {
            MemoryBudget budget = BrokerInternals.memoryBudget(b);
            assertThat(gzipBomb.length).isLessThan(128 * 1024);
            for (int i = 0; i < 6; i++) {
                TestClient.Response r = sendBomb(c, "secret");
                assertThat(r.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            }
            // Nothing was reserved for inflating: the peak is the frames themselves, not 60 MiB per request.
            assertThat(budget.peak()).isLessThan(MIB);
            assertThat(budget.refusals()).isZero();
            // An invalid topic name is refused unread too.
            assertThat(sendBomb(c, "bad topic").errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(budget.peak()).isLessThan(MIB);
        }
    }

    @Test
    void anAllowedBombBeyondTheBudgetIsRefusedAndValidCompressedProducesStillWork() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().acl(acl).memoryBudget(32L * MIB).build();
                TestClient c = TestClient.connect(b.start())) {
            MemoryBudget budget = BrokerInternals.memoryBudget(b);
            TestClient.Response r = sendBomb(c, "allowed-bomb");
            assertThat(r.errorCode()).isEqualTo(ErrorCode.REQUEST_TIMEOUT);
            assertThat(budget.refusals()).isEqualTo(1);
            assertThat(budget.peak()).isLessThan(MIB);
            for (CompressionCodec codec : new CompressionCodec[] {CompressionCodec.GZIP, CompressionCodec.SNAPPY,
                    CompressionCodec.LZ4, CompressionCodec.ZSTD}) {
                ProduceRequest p = TestClient.produce("allowed-" + codec.name().toLowerCase(), 0, "a", "b");
                ProduceRequest compressed = new ProduceRequest(p.topic(), p.partition(), p.messages(), codec, null);
                assertThat(c.send(compressed).body(ProduceResponse.class).messageCount()).isEqualTo(2);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> budget.used() == 0);
        }
    }
}
