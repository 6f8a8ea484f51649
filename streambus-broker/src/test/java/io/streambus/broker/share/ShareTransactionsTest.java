package io.streambus.broker.share;

import static io.streambus.broker.share.ShareTestSupport.a;
import static io.streambus.broker.share.ShareTestSupport.ack;
import static io.streambus.broker.share.ShareTestSupport.configure;
import static io.streambus.broker.share.ShareTestSupport.counts;
import static io.streambus.broker.share.ShareTestSupport.fetch;
import static io.streambus.broker.share.ShareTestSupport.join;
import static io.streambus.broker.share.ShareTestSupport.offsets;
import static io.streambus.broker.share.ShareTestSupport.produce;
import static io.streambus.protocol.share.AcknowledgeType.ACCEPT;
import static io.streambus.protocol.share.AcknowledgeType.REJECT;
import static io.streambus.protocol.share.AcknowledgeType.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.txn.EosConfig;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ApiVersionsRequest;
import io.streambus.protocol.ApiVersionsResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Frames;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.group.DeleteGroupsRequest;
import io.streambus.protocol.group.DeleteGroupsResponse;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.InitXaBranchResponse;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.Xid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transactional acknowledgements (B.13.15) over real sockets: staging, commit and abort, the checks in their order,
 * authorization (B.13.13), DeleteGroups, transaction timeout and acquisition-lock expiry, graceful restart and SIGKILL (ordinary transactions
 * are aborted by a restart; Prepared XA branches keep their Staged records until EndXaBranch).
 */
@ExtendWith(LeakCheck.class)
class ShareTransactionsTest {
    private static final EosConfig TXNS = EosConfig.defaults().withTransactions(true)
            .withExpiryCheckInterval(Duration.ofMillis(50));

    @TempDir
    Path dir;

    private EmbeddedBroker broker(boolean txnShareAcks) {
        return EmbeddedBroker.builder().dataDir(dir.resolve("data")).exactlyOnce(TXNS).txnShareAcks(txnShareAcks)
                .build();
    }

    static ProducerIdAndEpoch init(TestClient c, String tid, int timeoutMs) throws IOException {
        InitProducerIdResponse r = c.send(new InitProducerIdRequest(tid, timeoutMs)).body(InitProducerIdResponse.class);
        return new ProducerIdAndEpoch(r.producerId(), r.producerEpoch());
    }

    static int addGroup(TestClient c, String tid, ProducerIdAndEpoch p, String group) throws IOException {
        return c.send(new AddOffsetsToTxnRequest(tid, p.producerId(), p.producerEpoch(), group)).errorCode();
    }

    static int endTxn(TestClient c, String tid, ProducerIdAndEpoch p, boolean commit) throws IOException {
        return c.send(new EndTxnRequest(tid, p.producerId(), p.producerEpoch(), commit)).errorCode();
    }

    static TestClient.Response stageRaw(TestClient c, ProducerIdAndEpoch p, String group, String member,
                                        Acknowledgement... acks) throws IOException {
        return c.send(new ShareAcknowledgeRequest(group, member, TopicPartitions.of("t",
                List.of(new ShareAcknowledgePartition(0, List.of(acks)))), p));
    }

    /** Stages {@code acks}; returns the unapplied ranges of partition t-0 (asserting status 0). */
    static List<OffsetRange> stage(TestClient c, ProducerIdAndEpoch p, String group, String member,
                                   Acknowledgement... acks) throws IOException {
        TestClient.Response r = stageRaw(c, p, group, member, acks);
        assertThat(r.errorCode()).as(r.errorMessage()).isZero();
        ShareAcknowledgePartitionResult pr = r.body(ShareAcknowledgeResponse.class).partitions().topics().get(0)
                .partitions().get(0);
        return pr.unappliedAcknowledgements();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private static String[] values(int n) {
        String[] v = new String[n];
        for (int i = 0; i < n; i++) {
            v[i] = "v" + i;
        }
        return v;
    }

    @Test
    void commitAppliesTheStagedTypesAndAbortRedeliversWithTheCountRaised() throws IOException {
        try (EmbeddedBroker b = broker(true); TestClient c = TestClient.connect(b.start())) {
            int features = c.send(new ApiVersionsRequest("t", "1")).body(ApiVersionsResponse.class).featureBits();
            assertThat(features & ApiVersionsResponse.FEATURE_TXN_SHARE_ACKS).isNotZero();
            produce(c, "t", values(6));
            String m = join(c, "q", "t");
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 5))).containsExactlyElementsOf(range(0, 5));
            ProducerIdAndEpoch p = init(c, "tx", 0);
            // Check 4: the group was not added to the transaction.
            assertThat(stageRaw(c, p, "q", m, a(0, 0, ACCEPT)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_TRANSACTION_STATE);
            assertThat(addGroup(c, "tx", p, "q")).isZero();
            assertThat(stage(c, p, "q", m, a(0, 1, ACCEPT), a(2, 2, REJECT), a(3, 3, RELEASE), a(5, 5, ACCEPT)))
                    .containsExactly(new OffsetRange(5, 5)); // 5 was never acquired
            // Staged records take no plain acknowledgement and are not delivered.
            ShareAcknowledgeResponse plain = ack(c, "q", m, "t", 0, a(0, 0, REJECT));
            assertThat(plain.partitions().topics().get(0).partitions().get(0).unappliedAcknowledgements())
                    .containsExactly(new OffsetRange(0, 0));
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 10))).containsExactly(5L);
            // Check 3: producer validation (32 unknown producer id, 30 newer epoch).
            assertThat(stageRaw(c, new ProducerIdAndEpoch(999_999, (short) 0), "q", m, a(4, 4, ACCEPT)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
            assertThat(stageRaw(c, new ProducerIdAndEpoch(p.producerId(), (short) (p.producerEpoch() + 1)), "q", m,
                    a(4, 4, ACCEPT)).errorCode()).isEqualTo(ErrorCode.INVALID_PRODUCER_EPOCH);
            // Check 2 comes first: an unknown member gets 20 even with a valid transaction.
            assertThat(stageRaw(c, p, "q", "nobody", a(4, 4, ACCEPT)).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
            // DeleteGroups of a group with Staged records: 46 even once it has no members.
            c.send(new ShareGroupHeartbeatRequest("q", m, true, "test", List.of()));
            assertThat(c.send(new DeleteGroupsRequest(List.of("q"))).body(DeleteGroupsResponse.class).results()
                    .get(0).errorCode()).isEqualTo(ErrorCode.NON_EMPTY_GROUP);
            assertThat(endTxn(c, "tx", p, true)).isZero();
            String m2 = join(c, "q", "t");
            // 0, 1 Acknowledged, 2 archived; 3 released (count 2); 4 and 5 came back when m left.
            var f = fetch(c, "q", m2, "", "t", 0, 10);
            assertThat(offsets(f)).containsExactly(3L, 4L, 5L);
            assertThat(counts(f)).containsExactly(2, 2, 2);
            // Abort: the records come back with the delivery the transaction consumed counted.
            assertThat(addGroup(c, "tx", p, "q")).isZero();
            assertThat(stage(c, p, "q", m2, a(3, 5, ACCEPT))).isEmpty();
            assertThat(endTxn(c, "tx", p, false)).isZero();
            var again = fetch(c, "q", m2, "", "t", 0, 10);
            assertThat(offsets(again)).containsExactly(3L, 4L, 5L);
            assertThat(counts(again)).containsExactly(3, 3, 3);
            assertThat(configure(c, "q", 0, 0, 0, "", 0, 0).sharePartitions().asMap().get("t").get(0).startOffset())
                    .isEqualTo(3);
        }
    }

    @Test
    void groupTypesFlagsAndABrokerWithoutTheFeature() throws IOException {
        try (EmbeddedBroker b = broker(true); TestClient c = TestClient.connect(b.start())) {
            produce(c, "t", values(1));
            String m = join(c, "q", "t");
            ProducerIdAndEpoch p = init(c, "tx", 0);
            // TxnOffsetCommit naming a share group: 50, also with TXN_SHARE_ACKS.
            assertThat(addGroup(c, "tx", p, "q")).isZero();
            assertThat(c.send(new TxnOffsetCommitRequest("tx", "q", p.producerId(), p.producerEpoch(),
                    TopicPartitions.empty())).errorCode()).isEqualTo(ErrorCode.GROUP_TYPE_MISMATCH);
            // ShareFetch with flag 0x0020: 2.
            c.sendRaw(ApiKey.SHARE_FETCH.code(), 1, Frames.FLAG_TRANSACTIONAL, new byte[0], ApiKey.SHARE_FETCH);
            assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(endTxn(c, "tx", p, false)).isZero();
        }
        try (EmbeddedBroker b = broker(false); TestClient c = TestClient.connect(b.start())) {
            int features = c.send(new ApiVersionsRequest("t", "1")).body(ApiVersionsResponse.class).featureBits();
            assertThat(features & ApiVersionsResponse.FEATURE_TXN_SHARE_ACKS).isZero();
            assertThat(features & ApiVersionsResponse.FEATURE_SHARE_GROUPS).isNotZero();
            String m = join(c, "q", "t");
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 1))).containsExactly(0L);
            ProducerIdAndEpoch p = init(c, "tx", 0);
            // Without the bit: AddOffsetsToTxn naming a share group gets 50, the flag gets 2; nothing is applied.
            assertThat(addGroup(c, "tx", p, "q")).isEqualTo(ErrorCode.GROUP_TYPE_MISMATCH);
            assertThat(stageRaw(c, p, "q", m, a(0, 0, ACCEPT)).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(ack(c, "q", m, "t", 0, a(0, 0, RELEASE)).partitions().topics().get(0).partitions().get(0)
                    .unappliedAcknowledgements()).isEmpty(); // still Acquired by m: nothing was staged
        }
    }

    @Test
    void authorizationOfB1313() throws IOException {
        Path acl = dir.resolve("acl.txt");
        java.nio.file.Files.writeString(acl, String.join("\n",
                "allow anonymous group group:team-*",
                "allow anonymous fetch topic:t",
                "allow anonymous admin topic:t",
                "allow anonymous admin topic:secret",
                "allow anonymous produce topic:t",
                "allow anonymous produce txn:tx",
                ""));
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data")).exactlyOnce(TXNS).acl(acl)
                .build(); TestClient c = TestClient.connect(b.start())) {
            produce(c, "t", values(2));
            c.send(new io.streambus.protocol.core.CreateTopicRequest("secret", 1, 1));
            String m = join(c, "team-1", "t");
            assertThat(offsets(fetch(c, "team-1", m, "", "t", 0, 2))).containsExactly(0L, 1L);
            ProducerIdAndEpoch p = init(c, "tx", 0);
            // AddOffsetsToTxn naming a share group needs the group right (read, B.13.13): 27 without it.
            assertThat(addGroup(c, "tx", p, "other")).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
            assertThat(addGroup(c, "tx", p, "team-1")).isZero();
            // A transactional ShareAcknowledge: 27 on a group without the right, 41 on a topic without read.
            assertThat(stageRaw(c, p, "other", m, a(0, 0, ACCEPT)).errorCode())
                    .isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
            TestClient.Response secret = c.send(new ShareAcknowledgeRequest("team-1", m, TopicPartitions.of("secret",
                    List.of(new ShareAcknowledgePartition(0, List.of(a(0, 0, ACCEPT))))), p));
            assertThat(secret.body(ShareAcknowledgeResponse.class).partitions().topics().get(0).partitions().get(0)
                    .errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            assertThat(stage(c, p, "team-1", m, a(0, 1, ACCEPT))).isEmpty();
            assertThat(endTxn(c, "tx", p, true)).isZero();
            assertThat(fetch(c, "team-1", m, "", "t", 0, 10).records()).isEmpty();
        }
    }

    @Test
    void stagedRecordsOutliveTheirLockAndTheTimeoutAbortsThem() throws IOException {
        try (EmbeddedBroker b = broker(true); TestClient c = TestClient.connect(b.start())) {
            configure(c, "q", ShareGroupConfigureRequest.CHANGE_ACQUISITION_LOCK_MS, 0, 1000, "", 0, 0);
            produce(c, "t", values(4));
            String m = join(c, "q", "t");
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 4))).containsExactlyElementsOf(range(0, 4));
            ProducerIdAndEpoch p = init(c, "tx", 0);
            assertThat(addGroup(c, "tx", p, "q")).isZero();
            assertThat(stage(c, p, "q", m, a(0, 1, ACCEPT))).isEmpty();
            // The locks of 2 and 3 expire (they come back); the Staged 0 and 1 stay with the transaction.
            var back = await().atMost(Duration.ofSeconds(10)).until(() -> fetch(c, "q", m, "", "t", 0, 10),
                    f -> !f.records().isEmpty());
            assertThat(offsets(back)).containsExactly(2L, 3L);
            assertThat(endTxn(c, "tx", p, true)).isZero();
            assertThat(configure(c, "q", 0, 0, 0, "", 0, 0).sharePartitions().asMap().get("t").get(0).startOffset())
                    .isEqualTo(2);
            // A transaction that times out is aborted: its Staged records come back with their count.
            ProducerIdAndEpoch q = init(c, "short", 1000);
            assertThat(addGroup(c, "short", q, "q")).isZero();
            assertThat(stage(c, q, "q", m, a(2, 3, ACCEPT))).isEmpty();
            var redelivered = await().atMost(Duration.ofSeconds(10)).until(() -> fetch(c, "q", m, "", "t", 0, 10),
                    f -> !f.records().isEmpty());
            assertThat(offsets(redelivered)).containsExactly(2L, 3L);
            assertThat(counts(redelivered)).containsExactly(3, 3);
            assertThat(endTxn(c, "short", q, true)).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
        }
    }

    @Test
    void gracefulRestartAbortsOpenTransactionsAndKeepsCommittedOutcomes() throws IOException {
        ProducerIdAndEpoch p;
        try (EmbeddedBroker b = broker(true); TestClient c = TestClient.connect(b.start())) {
            produce(c, "t", values(4));
            String m = join(c, "q", "t");
            fetch(c, "q", m, "", "t", 0, 4);
            p = init(c, "tx", 0);
            assertThat(addGroup(c, "tx", p, "q")).isZero();
            assertThat(stage(c, p, "q", m, a(0, 1, ACCEPT))).isEmpty();
            assertThat(endTxn(c, "tx", p, true)).isZero();
            assertThat(addGroup(c, "tx", p, "q")).isZero();
            assertThat(stage(c, p, "q", m, a(2, 3, ACCEPT))).isEmpty();
        }
        try (EmbeddedBroker b = broker(true); TestClient c = TestClient.connect(b.start())) {
            // The open transaction was aborted by the restart: 38 for its commit, 2 and 3 delivered again.
            assertThat(endTxn(c, "tx", p, true)).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
            String m = join(c, "q", "t");
            var f = fetch(c, "q", m, "", "t", 0, 10);
            assertThat(offsets(f)).containsExactly(2L, 3L);
            assertThat(counts(f)).containsExactly(2, 2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"os", "every-write"})
    void sigkillKeepsPreparedStagingAndCommittedOutcomes(String flush) throws Exception {
        Path data = dir.resolve("child");
        Xid commit = new Xid(1, "kc".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8));
        Xid rollback = new Xid(1, "kr".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8));
        try (ChildBroker child = ChildBroker.start(data, "--flush", flush);
             TestClient c = TestClient.connect(child.port())) {
            produce(c, "t", values(8));
            String m = join(c, "q", "t");
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 8))).containsExactlyElementsOf(range(0, 8));
            // 0-1: committed by EndTxn before the kill (never again); 2-3: Prepared branch committed after the
            // restart (never again); 4-5: Prepared branch rolled back after the restart; 6: open transaction
            // (aborted by the restart); 7: only acquired.
            ProducerIdAndEpoch p = init(c, "tx", 0);
            assertThat(addGroup(c, "tx", p, "q")).isZero();
            assertThat(stage(c, p, "q", m, a(0, 1, ACCEPT))).isEmpty();
            assertThat(endTxn(c, "tx", p, true)).isZero();
            preparedBranch(c, commit, m, 2, 3);
            preparedBranch(c, rollback, m, 4, 5);
            assertThat(addGroup(c, "tx", p, "q")).isZero();
            assertThat(stage(c, p, "q", m, a(6, 6, REJECT))).isEmpty();
            assertThat(child.kill()).isEqualTo(137);
        }
        try (ChildBroker child = ChildBroker.start(data, "--flush", flush);
             TestClient c = TestClient.connect(child.port())) {
            String m = join(c, "q", "t");
            var f = fetch(c, "q", m, "", "t", 0, 10);
            assertThat(offsets(f)).containsExactly(6L, 7L); // 2-5 stay Staged by their Prepared branches
            assertThat(counts(f)).containsExactly(2, 2);
            assertThat(c.send(new DeleteGroupsRequest(List.of("q"))).body(DeleteGroupsResponse.class).results()
                    .get(0).errorCode()).isEqualTo(ErrorCode.NON_EMPTY_GROUP);
            assertThat(c.send(new EndXaBranchRequest(commit.transactionId("app"), commit, XaAction.COMMIT, false))
                    .errorCode()).isZero();
            assertThat(c.send(new EndXaBranchRequest(rollback.transactionId("app"), rollback, XaAction.ROLLBACK,
                    false)).errorCode()).isZero();
            var back = fetch(c, "q", m, "", "t", 0, 10);
            assertThat(offsets(back)).containsExactly(4L, 5L);
            assertThat(counts(back)).containsExactly(2, 2);
            ack(c, "q", m, "t", 0, a(4, 7, ACCEPT));
            assertThat(child.kill()).isEqualTo(137);
        }
        try (ChildBroker child = ChildBroker.start(data, "--flush", flush);
             TestClient c = TestClient.connect(child.port())) {
            String m = join(c, "q", "t");
            assertThat(fetch(c, "q", m, "", "t", 0, 10).records()).isEmpty();
            assertThat(configure(c, "q", 0, 0, 0, "", 0, 0).sharePartitions().asMap().get("t").get(0).startOffset())
                    .isEqualTo(8);
        }
    }

    /** An XA branch that stages ACCEPT for [first, last] and is prepared. */
    private static void preparedBranch(TestClient c, Xid xid, String member, long first, long last)
            throws IOException {
        String tid = xid.transactionId("app");
        InitXaBranchResponse r = c.send(new InitXaBranchRequest(tid, xid, 0)).body(InitXaBranchResponse.class);
        ProducerIdAndEpoch p = new ProducerIdAndEpoch(r.producerId(), r.producerEpoch());
        assertThat(addGroup(c, tid, p, "q")).isZero();
        assertThat(stage(c, p, "q", member, a(first, last, ACCEPT))).isEmpty();
        assertThat(c.send(new PrepareTxnRequest(tid, p.producerId(), p.producerEpoch())).errorCode()).isZero();
    }
}
