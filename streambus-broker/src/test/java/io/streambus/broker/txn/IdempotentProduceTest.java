package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.endOffset;
import static io.streambus.broker.txn.EosTestSupport.readAll;
import static io.streambus.broker.txn.EosTestSupport.sequenced;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.EosInternals;
import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ApiVersion;
import io.streambus.protocol.ApiVersionsRequest;
import io.streambus.protocol.ApiVersionsResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotent produce (B.12) over real sockets with codec requests: producer ids, sequence checks with codes
 * 47/48/49/30/31, duplicates with their original offsets across retries, restarts and a SIGKILL, expiry, and the
 * batching of registry fsyncs.
 */
@ExtendWith(LeakCheck.class)
class IdempotentProduceTest {
    @TempDir
    Path dir;

    private EmbeddedBroker broker(EosConfig eos) {
        return EmbeddedBroker.builder().dataDir(dir.resolve("data")).exactlyOnce(eos).build();
    }

    static InitProducerIdResponse newProducer(TestClient c) throws IOException {
        return c.send(new InitProducerIdRequest("", 0)).body(InitProducerIdResponse.class);
    }

    @Test
    void advertisedOnlyWhenServed() throws IOException {
        try (EmbeddedBroker b = broker(EosConfig.defaults()); TestClient c = TestClient.connect(b.start())) {
            ApiVersionsResponse v = c.send(new ApiVersionsRequest("t", "1")).body(ApiVersionsResponse.class);
            assertThat(v.featureBits() & ApiVersionsResponse.FEATURE_IDEMPOTENT_PRODUCE).isNotZero();
            assertThat(v.apis()).extracting(ApiVersion::type).contains(ApiKey.INIT_PRODUCER_ID.code());
        }
        EosConfig off = new EosConfig(false, false, null, Duration.ofSeconds(60), Duration.ofSeconds(900),
                Duration.ofSeconds(1), Duration.ofHours(24));
        try (EmbeddedBroker b = broker(off); TestClient c = TestClient.connect(b.start())) {
            ApiVersionsResponse v = c.send(new ApiVersionsRequest("t", "1")).body(ApiVersionsResponse.class);
            assertThat(v.featureBits() & ApiVersionsResponse.FEATURE_IDEMPOTENT_PRODUCE).isZero();
            assertThat(v.apis()).extracting(ApiVersion::type).doesNotContain(ApiKey.INIT_PRODUCER_ID.code());
            Response r = c.send(sequenced("t", 0, 1001, (short) 0, 0, false, "x"));
            assertThat(r.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
    }

    @Test
    void duplicateRetryGetsOriginalOffsetsAndAppendsNothing() throws IOException {
        try (EmbeddedBroker b = broker(EosConfig.defaults()); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            InitProducerIdResponse p = newProducer(c);
            assertThat(p.producerId()).isGreaterThanOrEqualTo(1001);
            assertThat(p.producerEpoch()).isZero();
            assertThat(newProducer(c).producerId()).isNotEqualTo(p.producerId());
            c.send(TestClient.produce("t", 0, "plain"));
            ProduceResponse first = c.send(sequenced("t", 0, p.producerId(), (short) 0, 0, false, "a", "b"))
                    .body(ProduceResponse.class);
            assertThat(first.baseOffset()).isEqualTo(1);
            c.send(TestClient.produce("t", 0, "plain2"));
            ProduceResponse retry = c.send(sequenced("t", 0, p.producerId(), (short) 0, 0, false, "a", "b"))
                    .body(ProduceResponse.class);
            assertThat(retry.baseOffset()).isEqualTo(1);
            assertThat(retry.messageCount()).isEqualTo(2);
            assertThat(retry.highWaterMark()).isEqualTo(4);
            ProduceResponse next = c.send(sequenced("t", 0, p.producerId(), (short) 0, 2, false, "c"))
                    .body(ProduceResponse.class);
            assertThat(next.baseOffset()).isEqualTo(4);
            assertThat(readAll(c, "t", 0)).containsExactly("plain", "a", "b", "plain2", "c");
        }
    }

    @Test
    void sequenceErrors() throws IOException {
        try (EmbeddedBroker b = broker(EosConfig.defaults().withTransactions(false));
                TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 2, 1));
            long pid = newProducer(c).producerId();
            // First batch must start at 0 (47), a gap is 47.
            assertThat(c.send(sequenced("t", 0, pid, (short) 0, 3, false, "x")).errorCode())
                    .isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
            for (int i = 0; i < 6; i++) {
                c.send(sequenced("t", 0, pid, (short) 0, i, false, "m" + i)).body(ProduceResponse.class);
            }
            assertThat(c.send(sequenced("t", 0, pid, (short) 0, 8, false, "x")).errorCode())
                    .isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
            // Seq 0 was appended but is no longer among the last 5: 48.
            assertThat(c.send(sequenced("t", 0, pid, (short) 0, 0, false, "m0")).errorCode())
                    .isEqualTo(ErrorCode.DUPLICATE_SEQUENCE);
            // Seq 1 still is: a duplicate with its offset.
            assertThat(c.send(sequenced("t", 0, pid, (short) 0, 1, false, "m1")).body(ProduceResponse.class)
                    .baseOffset()).isEqualTo(1);
            // Sequences are per partition.
            assertThat(c.send(sequenced("t", 1, pid, (short) 0, 0, false, "p1")).body(ProduceResponse.class)
                    .baseOffset()).isZero();
            // Unknown id 49, wrong epoch 30.
            assertThat(c.send(sequenced("t", 0, 999_999, (short) 0, 0, false, "x")).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_PRODUCER_ID);
            assertThat(c.send(sequenced("t", 0, pid, (short) 1, 6, false, "x")).errorCode())
                    .isEqualTo(ErrorCode.INVALID_PRODUCER_EPOCH);
            assertThat(endOffset(c, "t", 0)).isEqualTo(6);
            // A non-empty transaction id on a broker without transactions: 2.
            assertThat(c.send(new InitProducerIdRequest("tx", 0)).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            // Flag 0x0020 without TXN_DATA_PATH: 2.
            assertThat(c.send(EosTestSupport.transactional("t", 0, pid, (short) 0, "x")).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
        }
    }

    @Test
    void producerStateAndIdsSurviveRestart() throws IOException {
        long pid;
        try (EmbeddedBroker b = broker(EosConfig.defaults())) {
            int port = b.start();
            try (TestClient c = TestClient.connect(port)) {
                pid = newProducer(c).producerId();
                c.send(sequenced("t", 0, pid, (short) 0, 0, false, "a")).body(ProduceResponse.class);
                c.send(sequenced("t", 0, pid, (short) 0, 1, false, "b", "c")).body(ProduceResponse.class);
            }
            b.stop();
            b.start();
            try (TestClient c = TestClient.connect(b.port())) {
                ProduceResponse dup = c.send(sequenced("t", 0, pid, (short) 0, 1, false, "b", "c"))
                        .body(ProduceResponse.class);
                assertThat(dup.baseOffset()).isEqualTo(1);
                assertThat(c.send(sequenced("t", 0, pid, (short) 0, 3, false, "d")).body(ProduceResponse.class)
                        .baseOffset()).isEqualTo(3);
                assertThat(newProducer(c).producerId()).isGreaterThan(pid);
                assertThat(readAll(c, "t", 0)).containsExactly("a", "b", "c", "d");
            }
        }
    }

    @Test
    void retryAfterSigkillIsStillADuplicate() throws Exception {
        Path data = dir.resolve("child");
        long pid;
        try (ChildBroker child = ChildBroker.start(data)) {
            try (TestClient c = TestClient.connect(child.port())) {
                pid = newProducer(c).producerId();
                c.send(sequenced("t", 0, pid, (short) 0, 0, false, "a", "b")).body(ProduceResponse.class);
            }
            child.kill();
        }
        try (ChildBroker child = ChildBroker.start(data); TestClient c = TestClient.connect(child.port())) {
            ProduceResponse dup = c.send(sequenced("t", 0, pid, (short) 0, 0, false, "a", "b"))
                    .body(ProduceResponse.class);
            assertThat(dup.baseOffset()).isZero();
            assertThat(dup.highWaterMark()).isEqualTo(2);
            assertThat(newProducer(c).producerId()).isGreaterThan(pid);
            assertThat(readAll(c, "t", 0)).containsExactly("a", "b");
        }
    }

    @Test
    void idleProducerIdExpires() throws IOException {
        EosConfig eos = EosConfig.defaults().withProducerIdExpiration(Duration.ofMillis(300))
                .withExpiryCheckInterval(Duration.ofMillis(50));
        try (EmbeddedBroker b = broker(eos); TestClient c = TestClient.connect(b.start())) {
            long pid = newProducer(c).producerId();
            c.send(sequenced("t", 0, pid, (short) 0, 0, false, "a")).body(ProduceResponse.class);
            // Any status-0 sequenced Produce (duplicates too) keeps the id alive, so wait without sending.
            await().atMost(Duration.ofSeconds(10)).until(() -> !EosInternals.eos(b).producerKnown(pid));
            assertThat(c.send(sequenced("t", 0, pid, (short) 0, 1, false, "b")).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_PRODUCER_ID);
            b.stop();
            b.start();
            try (TestClient c2 = TestClient.connect(b.port())) {
                assertThat(c2.send(sequenced("t", 0, pid, (short) 0, 1, false, "b")).errorCode())
                        .isEqualTo(ErrorCode.UNKNOWN_PRODUCER_ID);
                assertThat(newProducer(c2).producerId()).isGreaterThan(pid);
            }
        }
    }

    @Test
    void concurrentInitProducerIdsShareFsyncs() throws Exception {
        try (EmbeddedBroker b = broker(EosConfig.defaults())) {
            int port = b.start();
            EosService eos = EosInternals.eos(b);
            long before = eos.forceCount();
            int clients = 8;
            int each = 25;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<CompletableFuture<List<Long>>> futures = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    futures.add(CompletableFuture.supplyAsync(() -> {
                        List<Long> ids = new ArrayList<>();
                        try (TestClient c = TestClient.connect(port)) {
                            for (int j = 0; j < each; j++) {
                                ids.add(newProducer(c).producerId());
                            }
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        return ids;
                    }, pool));
                }
                java.util.Set<Long> all = new java.util.HashSet<>();
                for (CompletableFuture<List<Long>> f : futures) {
                    all.addAll(f.get(60, TimeUnit.SECONDS));
                }
                assertThat(all).hasSize(clients * each);
            } finally {
                pool.shutdownNow();
            }
            long forces = eos.forceCount() - before;
            assertThat(forces).isGreaterThan(0).isLessThanOrEqualTo(clients * each);
        }
    }

    @Test
    void sequencedFlagRefusedInCoreOnlyMode() throws IOException {
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("core")).coreOnly(true).build();
                TestClient c = TestClient.connect(b.start())) {
            c.send(TestClient.produce("t", 0, "x"));
            assertThat(c.send(sequenced("t", 0, 1001, (short) 0, 0, false, "x")).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            c.sendAsync(new InitProducerIdRequest("", 0));
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }
}
