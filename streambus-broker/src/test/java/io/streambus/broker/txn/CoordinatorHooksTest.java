package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.transactional;
import static io.streambus.broker.txn.TransactionsTest.addPartition;
import static io.streambus.broker.txn.TransactionsTest.init;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.EosInternals;
import io.streambus.broker.security.AclFile;
import io.streambus.broker.security.Authorizer;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnResponse;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.ListXaBranchesRequest;
import io.streambus.protocol.txn.ListXaBranchesResponse;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.TxnOffsetCommitResponse;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's hooks: a registered {@link TxnParticipant} completes with every outcome (and while it has not,
 * requests of the same producer get 37), and ACL checks of the transaction types (41 request-level and per
 * partition, 27, listings filtered).
 */
@ExtendWith(LeakCheck.class)
class CoordinatorHooksTest {
    @TempDir
    Path dir;

    record Ended(String transactionalId, long producerId, boolean commit) {
    }

    @Test
    void participantIsToldOfOutcomesAndConcurrentRequestsGet37() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data"))
                .exactlyOnce(TransactionsTest.txnConfig()).build()) {
            int port = b.start();
            List<Ended> ended = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> gate = new CompletableFuture<>();
            EosInternals.eos(b).transactions().registerParticipant((id, pid, commit) -> {
                ended.add(new Ended(id, pid, commit));
                return id.equals("held") ? gate : CompletableFuture.completedFuture(null);
            });
            try (TestClient c1 = TestClient.connect(port); TestClient c2 = TestClient.connect(port)) {
                c1.send(new CreateTopicRequest("t", 1, 1));
                InitProducerIdResponse p = init(c1, "held", 0);
                addPartition(c1, "held", p, "t", 0);
                c1.sendAsync(new EndTxnRequest("held", p.producerId(), p.producerEpoch(), true));
                await().atMost(Duration.ofSeconds(10)).until(() -> !ended.isEmpty());
                assertThat(c2.send(new AddPartitionsToTxnRequest("held", p.producerId(), p.producerEpoch(),
                        TopicPartitions.of("t", List.of(0)))).errorCode()).isEqualTo(ErrorCode.CONCURRENT_TRANSACTIONS);
                assertThat(c2.send(new InitProducerIdRequest("held", 0)).errorCode())
                        .isEqualTo(ErrorCode.CONCURRENT_TRANSACTIONS);
                assertThat(c2.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "x")).errorCode())
                        .isEqualTo(ErrorCode.CONCURRENT_TRANSACTIONS);
                gate.complete(null);
                assertThat(c1.receive().errorCode()).isZero();
                assertThat(ended).containsExactly(new Ended("held", p.producerId(), true));

                // A timeout abort reaches the participant too.
                InitProducerIdResponse q = init(c1, "short", 100);
                addPartition(c1, "short", q, "t", 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> ended.size() == 2);
                assertThat(ended.get(1)).isEqualTo(new Ended("short", q.producerId(), false));
            }
        }
    }

    @Test
    void transactionRequestsAreAuthorized() throws Exception {
        AclFile acl = AclFile.parse(String.join("\n",
                "allow * produce,fetch topic:ok",
                "allow * group group:g-ok",
                "allow * produce txn:tx-ok*",
                "allow * produce txn:app:xa:*"), "test");
        Xid hidden = new Xid(1, new byte[] {1}, new byte[0]);
        // Topics and a branch the principal may not see are made first, by the same broker without ACLs.
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("acl")).build()) {
            int port = b.start();
            try (TestClient c = TestClient.connect(port)) {
                c.send(new CreateTopicRequest("ok", 1, 1));
                c.send(new CreateTopicRequest("secret", 1, 1));
                c.send(new InitXaBranchRequest(hidden.transactionId("other"), hidden, 0));
            }
        }
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("acl"))
                .exactlyOnce(TransactionsTest.txnConfig()).authorizer(Authorizer.of(acl)).build();
                TestClient c = TestClient.connect(b.start())) {
            assertThat(c.send(new InitProducerIdRequest("tx-denied", 0)).errorCode())
                    .isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            InitProducerIdResponse p = init(c, "tx-ok", 0);
            AddPartitionsToTxnResponse r = c.send(new AddPartitionsToTxnRequest("tx-ok", p.producerId(),
                    p.producerEpoch(), TopicPartitions.of(Map.of("ok", List.of(0), "secret", List.of(0)))))
                    .body(AddPartitionsToTxnResponse.class);
            assertThat(r.results().asMap().get("ok")).containsExactly(new PartitionResult(0, 0));
            assertThat(r.results().asMap().get("secret")).containsExactly(
                    new PartitionResult(0, ErrorCode.AUTHORIZATION_FAILED));
            assertThat(c.send(new AddOffsetsToTxnRequest("tx-ok", p.producerId(), p.producerEpoch(), "g-no"))
                    .errorCode()).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
            c.send(new AddOffsetsToTxnRequest("tx-ok", p.producerId(), p.producerEpoch(), "g-ok"));
            TxnOffsetCommitResponse o = c.send(new TxnOffsetCommitRequest("tx-ok", "g-ok", p.producerId(),
                    p.producerEpoch(), TopicPartitions.of(Map.of("ok", List.of(new PartitionOffset(0, 1, "")),
                            "secret", List.of(new PartitionOffset(0, 1, "")))))).body(TxnOffsetCommitResponse.class);
            assertThat(o.results().asMap().get("secret")).containsExactly(
                    new PartitionResult(0, ErrorCode.AUTHORIZATION_FAILED));
            Xid x = new Xid(7, new byte[] {7}, new byte[0]);
            assertThat(c.send(new InitXaBranchRequest(x.transactionId("denied"), x, 0)).errorCode())
                    .isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            assertThat(c.send(new InitXaBranchRequest(x.transactionId("app"), x, 0)).isError()).isFalse();
            assertThat(c.send(new EndXaBranchRequest(hidden.transactionId("other"), hidden, XaAction.ROLLBACK,
                    false)).errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            // An operator's heuristic decision also needs admin on the cluster.
            assertThat(c.send(new EndXaBranchRequest(x.transactionId("app"), x, XaAction.ROLLBACK, true))
                    .errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            // Only the branch the principal may describe is listed.
            assertThat(c.send(new ListXaBranchesRequest("", List.of())).body(ListXaBranchesResponse.class)
                    .branches()).extracting(XaBranch::transactionalId).containsExactly(x.transactionId("app"));
        }
    }
}
