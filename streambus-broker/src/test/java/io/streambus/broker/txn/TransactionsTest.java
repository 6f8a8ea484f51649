package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.fetchCommitted;
import static io.streambus.broker.txn.EosTestSupport.readAll;
import static io.streambus.broker.txn.EosTestSupport.sequenced;
import static io.streambus.broker.txn.EosTestSupport.transactional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.EosInternals;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.txn.EosTestSupport.Committed;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ApiVersion;
import io.streambus.protocol.ApiVersionsRequest;
import io.streambus.protocol.ApiVersionsResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnResponse;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.TxnOffsetCommitResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transactions (B.7) over real sockets with codec requests: commit and abort with read-committed and
 * read-uncommitted Fetch, the LSO of open transactions, markers never fetched, restart (LSO, aborted ranges, open
 * transactions aborted with 38), zombie fencing, timeouts, staged offsets, and the error codes of B.7.
 */
@ExtendWith(LeakCheck.class)
class TransactionsTest {
    @TempDir
    Path dir;

    static EosConfig txnConfig() {
        return EosConfig.defaults().withTransactions(true).withExpiryCheckInterval(Duration.ofMillis(50));
    }

    private EmbeddedBroker broker() {
        return EmbeddedBroker.builder().dataDir(dir.resolve("data")).exactlyOnce(txnConfig()).build();
    }

    static InitProducerIdResponse init(TestClient c, String txnId, int timeoutMs) throws IOException {
        return c.send(new InitProducerIdRequest(txnId, timeoutMs)).body(InitProducerIdResponse.class);
    }

    static void addPartition(TestClient c, String txnId, InitProducerIdResponse p, String topic, int partition)
            throws IOException {
        AddPartitionsToTxnResponse r = c.send(new AddPartitionsToTxnRequest(txnId, p.producerId(),
                p.producerEpoch(), TopicPartitions.of(topic, List.of(partition)))).body(AddPartitionsToTxnResponse.class);
        assertThat(r.results().topics().get(0).partitions()).extracting(PartitionResult::errorCode).containsOnly(0);
    }

    static int endTxn(TestClient c, String txnId, InitProducerIdResponse p, boolean commit) throws IOException {
        return c.send(new EndTxnRequest(txnId, p.producerId(), p.producerEpoch(), commit)).errorCode();
    }

    @Test
    void advertisedWithTransactions() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            ApiVersionsResponse v = c.send(new ApiVersionsRequest("t", "1")).body(ApiVersionsResponse.class);
            assertThat(v.featureBits() & ApiVersionsResponse.FEATURE_TXN_DATA_PATH).isNotZero();
            assertThat(v.featureBits() & ApiVersionsResponse.FEATURE_TWO_PHASE_COMMIT).isNotZero();
            assertThat(v.apis()).extracting(ApiVersion::type).contains(0x0E, 0x0F, 0x10, 0x11, 0x12, 0x19, 0x1A,
                    0x1B, 0x1C);
        }
    }

    @Test
    void commitAbortAndReadCommittedFetch() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            InitProducerIdResponse p = init(c, "tx1", 0);
            assertThat(p.producerEpoch()).isZero();
            c.send(TestClient.produce("t", 0, "plain0"));                               // 0
            addPartition(c, "tx1", p, "t", 0);
            c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "a", "b")); // 1, 2
            c.send(TestClient.produce("t", 0, "plain3"));                               // 3
            Committed open = fetchCommitted(c, "t", 0, 0);
            assertThat(open.lastStableOffset()).isEqualTo(1);
            assertThat(open.highWaterMark()).isEqualTo(4);
            assertThat(open.values()).containsExactly("plain0");
            assertThat(fetchCommitted(c, "t", 0, 1).values()).isEmpty();
            assertThat(readAll(c, "t", 0)).containsExactly("plain0", "a", "b", "plain3");
            assertThat(endTxn(c, "tx1", p, true)).isZero();
            Committed done = fetchCommitted(c, "t", 0, 0);
            assertThat(done.values()).containsExactly("plain0", "a", "b", "plain3");
            assertThat(done.lastStableOffset()).isEqualTo(4);
            // Repeating the decision is safe; the opposite one is 31.
            assertThat(endTxn(c, "tx1", p, true)).isZero();
            assertThat(endTxn(c, "tx1", p, false)).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);

            // Aborted transaction: invisible to read committed, skipped even when it is all there is.
            addPartition(c, "tx1", p, "t", 0);
            c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "x", "y")); // 4, 5
            c.send(TestClient.produce("t", 0, "plain6"));                               // 6
            assertThat(endTxn(c, "tx1", p, false)).isZero();
            assertThat(fetchCommitted(c, "t", 0, 4).values()).containsExactly("plain6");
            assertThat(fetchCommitted(c, "t", 0, 4).offsets()).containsExactly(6L);
            assertThat(readAll(c, "t", 0)).containsExactly("plain0", "a", "b", "plain3", "x", "y", "plain6");
            // Markers spend no offsets and never appear.
            assertThat(EosTestSupport.endOffset(c, "t", 0)).isEqualTo(7);
        }
    }

    /**
     * One flush policy for every log: under {@code os} a transaction's decision, markers and outcome are written
     * but never forced on the request path; under {@code every-write} they are forced before the reply.
     */
    @ParameterizedTest
    @EnumSource(value = FlushPolicy.Kind.class, names = {"OS", "EVERY_WRITE"})
    void aCommitForcesTheTransactionStateOnlyWhenThePolicySays(FlushPolicy.Kind kind) throws IOException {
        FlushPolicy policy = kind == FlushPolicy.Kind.OS ? FlushPolicy.OS : FlushPolicy.EVERY_WRITE;
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data")).exactlyOnce(txnConfig())
                .flushPolicy(policy).build(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 4, 1));
            InitProducerIdResponse p = init(c, "tx-policy", 0);
            EosService eos = EosInternals.eos(b);
            for (int round = 0; round < 3; round++) {
                for (int part = 0; part < 4; part++) {
                    addPartition(c, "tx-policy", p, "t", part);
                    c.send(transactional("t", part, p.producerId(), p.producerEpoch(), "v" + round));
                }
                long before = eos.forceCount();
                assertThat(endTxn(c, "tx-policy", p, round != 1)).isZero();
                long forces = eos.forceCount() - before;
                if (kind == FlushPolicy.Kind.OS) {
                    assertThat(forces).as("forces of an EndTxn under os").isZero();
                } else {
                    assertThat(forces).as("forces of an EndTxn under every-write").isPositive();
                }
            }
            assertThat(fetchCommitted(c, "t", 2, 0).values()).containsExactly("v0", "v2");
        }
    }

    @Test
    void restartKeepsAbortedRangesAndAbortsOpenTransactions() throws IOException {
        try (EmbeddedBroker b = broker()) {
            int port = b.start();
            InitProducerIdResponse p;
            InitProducerIdResponse q;
            try (TestClient c = TestClient.connect(port)) {
                c.send(new CreateTopicRequest("t", 1, 1));
                p = init(c, "tx1", 0);
                q = init(c, "tx2", 0);
                addPartition(c, "tx1", p, "t", 0);
                c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "aborted"));  // 0
                assertThat(endTxn(c, "tx1", p, false)).isZero();
                addPartition(c, "tx1", p, "t", 0);
                c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "committed")); // 1
                assertThat(endTxn(c, "tx1", p, true)).isZero();
                addPartition(c, "tx2", q, "t", 0);
                c.send(transactional("t", 0, q.producerId(), q.producerEpoch(), "open"));     // 2
                c.send(TestClient.produce("t", 0, "plain"));                                  // 3
                assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isEqualTo(2);
            }
            b.stop();
            b.start();
            try (TestClient c = TestClient.connect(b.port())) {
                Committed r = fetchCommitted(c, "t", 0, 0);
                assertThat(r.lastStableOffset()).isEqualTo(4);
                assertThat(r.values()).containsExactly("committed", "plain");
                // The open transaction was aborted by the restart: the producer learns it once (38).
                assertThat(endTxn(c, "tx2", q, true)).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
                addPartition(c, "tx2", q, "t", 0);
                c.send(transactional("t", 0, q.producerId(), q.producerEpoch(), "again"));
                assertThat(endTxn(c, "tx2", q, true)).isZero();
                assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("committed", "plain", "again");
            }
        }
    }

    @Test
    void zombieFencingAndProducerValidation() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            InitProducerIdResponse old = init(c, "tx", 0);
            addPartition(c, "tx", old, "t", 0);
            c.send(transactional("t", 0, old.producerId(), old.producerEpoch(), "zombie"));
            InitProducerIdResponse fresh = init(c, "tx", 0);
            assertThat(fresh.producerId()).isEqualTo(old.producerId());
            assertThat(fresh.producerEpoch()).isEqualTo((short) 1);
            // The old instance's open transaction was aborted by the new InitProducerID.
            assertThat(fetchCommitted(c, "t", 0, 0).values()).isEmpty();
            assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isEqualTo(1);
            assertThat(c.send(transactional("t", 0, old.producerId(), old.producerEpoch(), "z")).errorCode())
                    .isEqualTo(ErrorCode.PRODUCER_FENCED);
            assertThat(c.send(new AddPartitionsToTxnRequest("tx", old.producerId(), old.producerEpoch(),
                    TopicPartitions.of("t", List.of(0)))).errorCode()).isEqualTo(ErrorCode.PRODUCER_FENCED);
            assertThat(c.send(new EndTxnRequest("tx", old.producerId(), (short) 5, true)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_PRODUCER_EPOCH);
            assertThat(c.send(new EndTxnRequest("tx", 4242, fresh.producerEpoch(), true)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
            assertThat(c.send(new EndTxnRequest("nobody", fresh.producerId(), (short) 0, true)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
            // No Ongoing transaction: 31. Partition not added: 31.
            assertThat(endTxn(c, "tx", fresh, true)).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            assertThat(c.send(transactional("t", 0, fresh.producerId(), fresh.producerEpoch(), "x")).errorCode())
                    .isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            // An idempotent-only producer id is not transactional (32), a transactional one is not idempotent-only (31).
            InitProducerIdResponse idem = init(c, "", 0);
            assertThat(c.send(transactional("t", 0, idem.producerId(), (short) 0, "x")).errorCode())
                    .isEqualTo(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
            assertThat(c.send(sequenced("t", 0, fresh.producerId(), fresh.producerEpoch(), 0, false, "x"))
                    .errorCode()).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
        }
    }

    @Test
    void requestErrors() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 2, 1));
            assertThat(c.send(new InitProducerIdRequest("tx", -1)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
            assertThat(c.send(new InitProducerIdRequest("tx", 900_001)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
            InitProducerIdResponse p = init(c, "tx", 900_000);
            assertThat(c.send(new AddPartitionsToTxnRequest("tx", p.producerId(), p.producerEpoch(),
                    TopicPartitions.empty())).errorCode()).isEqualTo(ErrorCode.INVALID_PARTITION_LIST);
            assertThat(c.send(new AddPartitionsToTxnRequest("tx", p.producerId(), p.producerEpoch(),
                    TopicPartitions.of("t", List.of()))).errorCode()).isEqualTo(ErrorCode.INVALID_PARTITION_LIST);
            AddPartitionsToTxnResponse r = c.send(new AddPartitionsToTxnRequest("tx", p.producerId(),
                    p.producerEpoch(), TopicPartitions.of(java.util.Map.of("t", List.of(1, 7), "missing",
                            List.of(0))))).body(AddPartitionsToTxnResponse.class);
            assertThat(r.results().asMap().get("t")).containsExactly(new PartitionResult(1, 0),
                    new PartitionResult(7, ErrorCode.PARTITION_NOT_FOUND));
            assertThat(r.results().asMap().get("missing")).containsExactly(
                    new PartitionResult(0, ErrorCode.TOPIC_NOT_FOUND));
            assertThat(c.send(new AddOffsetsToTxnRequest("tx", p.producerId(), p.producerEpoch(), "")).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(c.send(new TxnOffsetCommitRequest("tx", "g", p.producerId(), p.producerEpoch(),
                    TopicPartitions.of("t", List.of(new PartitionOffset(0, 5, ""))))).errorCode())
                    .isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            c.send(new AddOffsetsToTxnRequest("tx", p.producerId(), p.producerEpoch(), "g"));
            TxnOffsetCommitResponse staged = c.send(new TxnOffsetCommitRequest("tx", "g", p.producerId(),
                    p.producerEpoch(), TopicPartitions.of("t", List.of(new PartitionOffset(0, 5, "m"),
                            new PartitionOffset(1, 6, "x".repeat(4097)))))).body(TxnOffsetCommitResponse.class);
            assertThat(staged.results().asMap().get("t")).containsExactly(new PartitionResult(0, 0),
                    new PartitionResult(1, ErrorCode.INVALID_COMMIT_OFFSET_SIZE));
            assertThat(endTxn(c, "tx", p, true)).isZero();
        }
    }

    @Test
    void stagedOffsetsBecomeVisibleOnlyAtCommit() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            InitProducerIdResponse p = init(c, "tx", 0);
            for (boolean commit : new boolean[] {false, true}) {
                c.send(new AddOffsetsToTxnRequest("tx", p.producerId(), p.producerEpoch(), "g"));
                c.send(new TxnOffsetCommitRequest("tx", "g", p.producerId(), p.producerEpoch(),
                        TopicPartitions.of("t", List.of(new PartitionOffset(0, commit ? 42 : 7, "md")))));
                assertThat(committedOffset(c)).isEqualTo(-1);
                assertThat(endTxn(c, "tx", p, commit)).isZero();
            }
            assertThat(committedOffset(c)).isEqualTo(42);
        }
    }

    static long committedOffset(TestClient c) throws IOException {
        OffsetFetchResponse r = c.send(new OffsetFetchRequest("g", TopicPartitions.of("t", List.of(0))))
                .body(OffsetFetchResponse.class);
        List<PartitionOffsetResult> ps = r.offsets().asMap().getOrDefault("t", List.of());
        return ps.isEmpty() ? -1 : ps.get(0).offset();
    }

    @Test
    void timeoutAbortsOpenTransaction() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            InitProducerIdResponse p = init(c, "slow", 200);
            addPartition(c, "slow", p, "t", 0);
            c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "late"));
            TransactionCoordinator tc = EosInternals.eos(b).transactions();
            await().atMost(Duration.ofSeconds(10)).until(() -> tc.state("slow") == TxnState.COMPLETE_ABORT);
            assertThat(fetchCommitted(c, "t", 0, 0).values()).isEmpty();
            assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isEqualTo(1);
            assertThat(endTxn(c, "slow", p, true)).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
            addPartition(c, "slow", p, "t", 0);
            assertThat(c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "ok")).isError()).isFalse();
            assertThat(endTxn(c, "slow", p, true)).isZero();
            assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("ok");
        }
    }

    @Test
    void idleTransactionIdExpires() throws IOException {
        EosConfig eos = txnConfig().withProducerIdExpiration(Duration.ofMillis(300));
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("exp")).exactlyOnce(eos).build();
                TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            InitProducerIdResponse p = init(c, "idle", 0);
            addPartition(c, "idle", p, "t", 0);
            // An open transaction never expires: wait past the expiration, then commit it.
            TransactionCoordinator tc = EosInternals.eos(b).transactions();
            long since = System.nanoTime();
            await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5))
                    .until(() -> System.nanoTime() - since > 350_000_000L);
            assertThat(tc.state("idle")).isEqualTo(TxnState.ONGOING);
            assertThat(endTxn(c, "idle", p, true)).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> tc.state("idle") == null);
            assertThat(endTxn(c, "idle", p, true)).isEqualTo(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
            assertThat(c.send(sequenced("t", 0, p.producerId(), p.producerEpoch(), 0, false, "x")).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_PRODUCER_ID);
            InitProducerIdResponse fresh = init(c, "idle", 0);
            assertThat(fresh.producerId()).isGreaterThan(p.producerId());
            assertThat(fresh.producerEpoch()).isZero();
        }
    }

    @Test
    void sequencedTransactionalProduceDetectsDuplicates() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            InitProducerIdResponse p = init(c, "tx", 0);
            addPartition(c, "tx", p, "t", 0);
            long first = c.send(sequenced("t", 0, p.producerId(), p.producerEpoch(), 0, true, "a"))
                    .body(ProduceResponse.class).baseOffset();
            assertThat(c.send(sequenced("t", 0, p.producerId(), p.producerEpoch(), 0, true, "a"))
                    .body(ProduceResponse.class).baseOffset()).isEqualTo(first);
            assertThat(endTxn(c, "tx", p, true)).isZero();
            assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("a");
            // A new epoch restarts the sequences at 0.
            InitProducerIdResponse p2 = init(c, "tx", 0);
            addPartition(c, "tx", p2, "t", 0);
            assertThat(c.send(sequenced("t", 0, p2.producerId(), p2.producerEpoch(), 1, true, "b")).errorCode())
                    .isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
            assertThat(c.send(sequenced("t", 0, p2.producerId(), p2.producerEpoch(), 0, true, "b")).isError())
                    .isFalse();
        }
    }
}
