package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.fetchCommitted;
import static io.streambus.broker.txn.EosTestSupport.transactional;
import static io.streambus.broker.txn.TransactionsTest.addPartition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.EosInternals;
import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.InitXaBranchResponse;
import io.streambus.protocol.txn.ListXaBranchesRequest;
import io.streambus.protocol.txn.ListXaBranchesResponse;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-phase commit (B.7.8) over real sockets with codec requests: InitXaBranch, PrepareTxn, EndXaBranch from other
 * connections after restarts and a SIGKILL, ListXaBranches for recovery, heuristic outcomes, and the rule that
 * nothing but EndXaBranch ends a Prepared branch.
 */
@ExtendWith(LeakCheck.class)
class XaTest {
    private static final String PREFIX = "jms.app1";

    @TempDir
    Path dir;

    private EmbeddedBroker broker() {
        return EmbeddedBroker.builder().dataDir(dir.resolve("data")).exactlyOnce(TransactionsTest.txnConfig())
                .build();
    }

    static Xid xid(String gtrid) {
        return new Xid(131077, gtrid.getBytes(StandardCharsets.UTF_8), "br1".getBytes(StandardCharsets.UTF_8));
    }

    static InitProducerIdResponse start(TestClient c, Xid xid, int timeoutMs) throws IOException {
        InitXaBranchResponse r = c.send(new InitXaBranchRequest(xid.transactionId(PREFIX), xid, timeoutMs))
                .body(InitXaBranchResponse.class);
        return new InitProducerIdResponse(r.producerId(), r.producerEpoch());
    }

    /** InitXaBranch, one partition, one transactional batch, PrepareTxn. */
    static InitProducerIdResponse prepared(TestClient c, Xid xid, int timeoutMs, String value) throws IOException {
        String id = xid.transactionId(PREFIX);
        InitProducerIdResponse p = start(c, xid, timeoutMs);
        addPartition(c, id, p, "t", 0);
        assertThat(c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), value)).isError()).isFalse();
        assertThat(c.send(new PrepareTxnRequest(id, p.producerId(), p.producerEpoch())).errorCode()).isZero();
        return p;
    }

    static int end(TestClient c, Xid xid, XaAction action, boolean heuristic) throws IOException {
        return c.send(new EndXaBranchRequest(xid.transactionId(PREFIX), xid, action, heuristic)).errorCode();
    }

    static List<XaBranch> recover(TestClient c) throws IOException {
        return c.send(new ListXaBranchesRequest(PREFIX + ":xa:", List.of("Prepared", "HeuristicCommit",
                "HeuristicRollback"))).body(ListXaBranchesResponse.class).branches();
    }

    @Test
    void initXaBranchChecks() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            Xid x = xid("g1");
            assertThat(c.send(new InitXaBranchRequest("wrong:xa:1:2:3", x, 0)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(c.send(new InitXaBranchRequest(x.transactionId(""), x, 0)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(c.send(new InitXaBranchRequest(x.transactionId(PREFIX), x, -5)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
            InitProducerIdResponse p = start(c, x, 0);
            assertThat(p.producerEpoch()).isZero();
            // A retry while Empty: same producer id, epoch + 1.
            InitProducerIdResponse again = start(c, x, 0);
            assertThat(again.producerId()).isEqualTo(p.producerId());
            assertThat(again.producerEpoch()).isEqualTo((short) 1);
            c.send(new CreateTopicRequest("t", 1, 1));
            addPartition(c, x.transactionId(PREFIX), again, "t", 0);
            assertThat(c.send(new InitXaBranchRequest(x.transactionId(PREFIX), x, 0)).errorCode())
                    .isEqualTo(ErrorCode.DUPLICATE_XID);
            // InitProducerID on an XA transaction id: 31, nothing changes.
            assertThat(c.send(new InitProducerIdRequest(x.transactionId(PREFIX), 0)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            // PrepareTxn of an ordinary transaction id: 31.
            InitProducerIdResponse plain = TransactionsTest.init(c, "ordinary", 0);
            assertThat(c.send(new PrepareTxnRequest("ordinary", plain.producerId(), plain.producerEpoch()))
                    .errorCode()).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            // EndXaBranch on an unknown xid: 55; commit of a branch that is not prepared: 31.
            assertThat(end(c, xid("nope"), XaAction.COMMIT, false)).isEqualTo(ErrorCode.UNKNOWN_XID);
            assertThat(end(c, x, XaAction.COMMIT, false)).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            assertThat(end(c, x, XaAction.FORGET, false)).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            assertThat(end(c, x, XaAction.ROLLBACK, true)).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            // The TM's rollback of an open branch fences the holder (35) and ends the branch (single use: 31).
            assertThat(end(c, x, XaAction.ROLLBACK, false)).isZero();
            assertThat(c.send(new PrepareTxnRequest(x.transactionId(PREFIX), again.producerId(),
                    again.producerEpoch())).errorCode()).isEqualTo(ErrorCode.PRODUCER_FENCED);
            InitProducerIdResponse bumped = new InitProducerIdResponse(again.producerId(), (short) 2);
            assertThat(c.send(new io.streambus.protocol.txn.AddPartitionsToTxnRequest(x.transactionId(PREFIX),
                    bumped.producerId(), bumped.producerEpoch(), io.streambus.protocol.TopicPartitions.of("t",
                            List.of(0)))).errorCode()).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            assertThat(end(c, x, XaAction.COMMIT, false)).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
            assertThat(end(c, x, XaAction.ROLLBACK, false)).isZero();
            assertThat(end(c, x, XaAction.FORGET, false)).isZero();
            assertThat(end(c, x, XaAction.ROLLBACK, false)).isEqualTo(ErrorCode.UNKNOWN_XID);
        }
    }

    @Test
    void preparedBranchRefusesWorkSurvivesTimeoutAndRestartThenCommitsFromNewConnection() throws IOException {
        Xid x = xid("tm1.000042");
        String id = x.transactionId(PREFIX);
        try (EmbeddedBroker b = broker()) {
            int port = b.start();
            InitProducerIdResponse p;
            try (TestClient c = TestClient.connect(port)) {
                c.send(new CreateTopicRequest("t", 1, 1));
                p = prepared(c, x, 100, "xa-record");
                c.send(TestClient.produce("t", 0, "after"));
                // Repeated PrepareTxn: 0. Further work: 31.
                assertThat(c.send(new PrepareTxnRequest(id, p.producerId(), p.producerEpoch())).errorCode()).isZero();
                assertThat(c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "more")).errorCode())
                        .isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
                assertThat(c.send(new EndTxnRequest(id, p.producerId(), p.producerEpoch(), true)).errorCode())
                        .isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
                assertThat(end(c, x, XaAction.FORGET, false)).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
                // The timeout (100 ms) passes many times over: still Prepared, still holding the LSO.
                TransactionCoordinator tc = EosInternals.eos(b).transactions();
                long since = System.nanoTime();
                await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                        .until(() -> System.nanoTime() - since > 500_000_000L);
                assertThat(tc.state(id)).isEqualTo(TxnState.PREPARED);
                assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isZero();
                assertThat(fetchCommitted(c, "t", 0, 0).values()).isEmpty();
            }
            b.stop();
            b.start();
            b.stop();
            b.start();
            try (TestClient c = TestClient.connect(b.port())) {
                List<XaBranch> branches = recover(c);
                assertThat(branches).extracting(XaBranch::transactionalId).containsExactly(id);
                XaBranch br = branches.get(0);
                assertThat(br.state()).isEqualTo("Prepared");
                assertThat(br.xid()).isEqualTo(x);
                assertThat(br.partitions().asMap()).containsEntry("t", List.of(0));
                assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isZero();
                assertThat(end(c, x, XaAction.COMMIT, false)).isZero();
                assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("xa-record", "after");
                // The decision fenced the holder; a repeat gets 0, the opposite 31.
                assertThat(c.send(new PrepareTxnRequest(id, p.producerId(), p.producerEpoch())).errorCode())
                        .isEqualTo(ErrorCode.PRODUCER_FENCED);
                assertThat(end(c, x, XaAction.COMMIT, false)).isZero();
                assertThat(end(c, x, XaAction.ROLLBACK, false)).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
                assertThat(recover(c)).isEmpty();
            }
            b.stop();
            b.start();
            try (TestClient c = TestClient.connect(b.port())) {
                assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("xa-record", "after");
                assertThat(end(c, x, XaAction.COMMIT, false)).isZero();
                assertThat(end(c, x, XaAction.FORGET, false)).isZero();
                assertThat(end(c, x, XaAction.COMMIT, false)).isEqualTo(ErrorCode.UNKNOWN_XID);
            }
        }
    }

    @Test
    void rollbackAfterRestartAndOpenBranchAbortedByRestart() throws IOException {
        Xid prepared = xid("prepared");
        Xid open = xid("open");
        try (EmbeddedBroker b = broker()) {
            int port = b.start();
            InitProducerIdResponse o;
            try (TestClient c = TestClient.connect(port)) {
                c.send(new CreateTopicRequest("t", 1, 1));
                prepared(c, prepared, 0, "rolled-back");
                o = start(c, open, 0);
                addPartition(c, open.transactionId(PREFIX), o, "t", 0);
                c.send(transactional("t", 0, o.producerId(), o.producerEpoch(), "never-prepared"));
            }
            b.stop();
            b.start();
            try (TestClient c = TestClient.connect(b.port())) {
                assertThat(recover(c)).extracting(XaBranch::xid).containsExactly(prepared);
                // The open branch was aborted by the restart: its PrepareTxn gets 38 (presumed abort).
                assertThat(c.send(new PrepareTxnRequest(open.transactionId(PREFIX), o.producerId(),
                        o.producerEpoch())).errorCode()).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
                assertThat(end(c, prepared, XaAction.ROLLBACK, false)).isZero();
                assertThat(fetchCommitted(c, "t", 0, 0).values()).isEmpty();
                assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isEqualTo(2);
                assertThat(end(c, prepared, XaAction.COMMIT, false)).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
                assertThat(EosTestSupport.readAll(c, "t", 0)).containsExactly("rolled-back", "never-prepared");
            }
        }
    }

    @Test
    void heuristicOutcomesAreReportedUntilForgotten() throws IOException {
        Xid hc = xid("hc");
        Xid hr = xid("hr");
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            prepared(c, hc, 0, "by-operator");
            prepared(c, hr, 0, "dropped-by-operator");
            assertThat(end(c, hc, XaAction.COMMIT, true)).isZero();
            // The broker-side tool path of B.7.8.7.
            EosInternals.eos(b).transactions().heuristicDecision(hr.transactionId(PREFIX), false);
            assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("by-operator");
            List<XaBranch> listed = recover(c);
            assertThat(listed).extracting(XaBranch::state).containsExactlyInAnyOrder("HeuristicCommit",
                    "HeuristicRollback");
            assertThat(end(c, hc, XaAction.COMMIT, false)).isEqualTo(ErrorCode.HEURISTIC_COMMIT);
            assertThat(end(c, hc, XaAction.ROLLBACK, false)).isEqualTo(ErrorCode.HEURISTIC_COMMIT);
            assertThat(end(c, hr, XaAction.COMMIT, false)).isEqualTo(ErrorCode.HEURISTIC_ROLLBACK);
            assertThat(end(c, hc, XaAction.COMMIT, true)).isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            assertThat(end(c, hc, XaAction.FORGET, false)).isZero();
            assertThat(end(c, hr, XaAction.FORGET, false)).isZero();
            assertThat(recover(c)).isEmpty();
            assertThat(end(c, hc, XaAction.COMMIT, false)).isEqualTo(ErrorCode.UNKNOWN_XID);
        }
    }

    @Test
    void preparedBranchSurvivesSigkillAndCommitsExactlyOnce() throws Exception {
        Path data = dir.resolve("child");
        Xid commit = xid("kill-commit");
        Xid rollback = xid("kill-rollback");
        try (ChildBroker child = ChildBroker.start(data)) {
            try (TestClient c = TestClient.connect(child.port())) {
                c.send(new CreateTopicRequest("t", 1, 1));
                prepared(c, commit, 0, "committed-once");
                prepared(c, rollback, 0, "rolled-back");
            }
            child.kill();
        }
        try (ChildBroker child = ChildBroker.start(data)) {
            try (TestClient c = TestClient.connect(child.port())) {
                assertThat(recover(c)).extracting(XaBranch::xid).containsExactlyInAnyOrder(commit, rollback);
                assertThat(end(c, commit, XaAction.COMMIT, false)).isZero();
            }
            child.kill(); // after the decision, before the rollback of the other branch
        }
        try (ChildBroker child = ChildBroker.start(data); TestClient c = TestClient.connect(child.port())) {
            assertThat(recover(c)).extracting(XaBranch::xid).containsExactly(rollback);
            assertThat(end(c, commit, XaAction.COMMIT, false)).isZero();
            assertThat(end(c, rollback, XaAction.ROLLBACK, false)).isZero();
            assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("committed-once");
            assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isEqualTo(2);
        }
    }

    @Test
    void listingThatDoesNotFitInAFrameAnswers12AndANarrowerPrefixWorks() throws IOException {
        // 700 branches on 64 topics with 242-character names each: about 11 MB of listing, above the 10 MiB frame
        // (A.3.6). The transaction id prefix is at most 255 bytes (B.7.8.1), so the bulk is in the partitions.
        List<String> topics = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            topics.add("t".repeat(240) + String.format("%02d", i));
        }
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            assertThat(c.pipeline(topics.stream().map(t -> new CreateTopicRequest(t, 1, 1)).toList()))
                    .extracting(TestClient.Response::errorCode).containsOnly(0);
            List<Xid> xids = java.util.stream.IntStream.range(0, 700).mapToObj(i -> xid("big-" + i)).toList();
            List<InitXaBranchResponse> ids = c.pipeline(xids.stream()
                    .map(x -> new InitXaBranchRequest(x.transactionId("big"), x, 0)).toList()).stream()
                    .map(r -> r.body(InitXaBranchResponse.class)).toList();
            java.util.Map<String, List<Integer>> all = new java.util.TreeMap<>();
            topics.forEach(t -> all.put(t, List.of(0)));
            List<io.streambus.protocol.txn.AddPartitionsToTxnRequest> adds = new java.util.ArrayList<>();
            for (int i = 0; i < xids.size(); i++) {
                adds.add(new io.streambus.protocol.txn.AddPartitionsToTxnRequest(xids.get(i).transactionId("big"),
                        ids.get(i).producerId(), ids.get(i).producerEpoch(),
                        io.streambus.protocol.TopicPartitions.of(all)));
            }
            assertThat(c.pipeline(adds)).extracting(TestClient.Response::errorCode).containsOnly(0);
            start(c, xid("small"), 0);
            TestClient.Response everything = c.send(new ListXaBranchesRequest("", List.of()));
            assertThat(everything.errorCode()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
            assertThat(everything.errorMessage()).contains("701 XA branches", "narrow");
            assertThat(c.send(new ListXaBranchesRequest(xid("big-3").transactionId("big"), List.of()))
                    .body(ListXaBranchesResponse.class).branches()).extracting(XaBranch::xid)
                    .containsExactly(xid("big-3"));
            assertThat(c.send(new ListXaBranchesRequest(PREFIX, List.of())).body(ListXaBranchesResponse.class)
                    .branches()).extracting(XaBranch::xid).containsExactly(xid("small"));
        }
    }
}
