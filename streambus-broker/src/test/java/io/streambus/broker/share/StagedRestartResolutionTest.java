package io.streambus.broker.share;

import static io.streambus.broker.share.ShareTestSupport.a;
import static io.streambus.broker.share.ShareTestSupport.fetch;
import static io.streambus.broker.share.ShareTestSupport.join;
import static io.streambus.broker.share.ShareTestSupport.produce;
import static io.streambus.broker.share.ShareTransactionsTest.addGroup;
import static io.streambus.broker.share.ShareTransactionsTest.stage;
import static io.streambus.protocol.share.AcknowledgeType.ACCEPT;
import static io.streambus.protocol.share.AcknowledgeType.REJECT;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.txn.TxnState;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.InitXaBranchResponse;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.streambus.protocol.txn.Xid;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * B.13.11 after a restart, for records whose staging is durable: each is decided by the state the transaction
 * coordinator restored for its transaction. This reaches the window a crash test cannot aim at: a commit decision
 * durable (so the restart completes it) while the staged records' transitions were not written yet.
 */
@ExtendWith(LeakCheck.class)
class StagedRestartResolutionTest {
    @TempDir
    Path dir;

    @Test
    void stagedRecordsFollowTheirTransactionsRestoredState() throws Exception {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(data).build();
             TestClient c = TestClient.connect(b.start())) {
            produce(c, "t", "v0", "v1", "v2", "v3", "v4", "v5");
            String m = join(c, "q", "t");
            fetch(c, "q", m, "", "t", 0, 6);
            prepared(c, "committed", m, a(0, 1, ACCEPT));
            prepared(c, "prepared", m, a(2, 3, REJECT));
            prepared(c, "aborted", m, a(4, 5, ACCEPT));
        }
        Map<String, TxnState> restored = Map.of(tid("committed"), TxnState.COMPLETE_COMMIT,
                tid("prepared"), TxnState.PREPARED, tid("aborted"), TxnState.COMPLETE_ABORT);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        ExecutorService worker = Executors.newFixedThreadPool(2);
        try (LogManager logs = LogManager.open(data, LogConfig.builder().build())) {
            try (ShareCoordinator sc = ShareCoordinator.open(data, FlushPolicy.OS, ShareCoordinatorConfig.DEFAULTS,
                    logs, ShareAccess.ALLOW_ALL, g -> false, worker, timers)) {
                SharePartition p = sc.liveGroup("q").partition("t", 0);
                for (long o = 0; o < 6; o++) {
                    assertThat(p.get(o).state).as("offset " + o).isEqualTo(RecordState.STAGED);
                }
                sc.resolveRestored(restored::get, null);
                assertThat(p.spso()).as("0 and 1 Acknowledged by the completed commit").isEqualTo(2);
                assertThat(p.get(2).state).isEqualTo(RecordState.STAGED);
                assertThat(p.get(4).state).isEqualTo(RecordState.AVAILABLE);
                assertThat(p.get(4).count).isEqualTo(1);
                assertThat(p.get(4).reason).isEqualTo(ArchiveReason.BROKER_RESTART);
            }
            // The outcome is durable: reopened, 0-1 are gone, 2-3 still Staged, 4-5 Available with their count.
            try (ShareCoordinator sc = ShareCoordinator.open(data, FlushPolicy.OS, ShareCoordinatorConfig.DEFAULTS,
                    logs, ShareAccess.ALLOW_ALL, g -> false, worker, timers)) {
                SharePartition p = sc.liveGroup("q").partition("t", 0);
                assertThat(p.spso()).isEqualTo(2);
                assertThat(p.get(3).state).isEqualTo(RecordState.STAGED);
                assertThat(p.get(3).stage.type()).isEqualTo(io.streambus.protocol.share.AcknowledgeType.REJECT);
                assertThat(p.get(5).state).isEqualTo(RecordState.AVAILABLE);
                assertThat(p.get(5).count).isEqualTo(1);
            }
        } finally {
            worker.shutdownNow();
            timers.shutdownNow();
        }
    }

    private static Xid xid(String name) {
        return new Xid(7, name.getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8));
    }

    private static String tid(String name) {
        return xid(name).transactionId("app");
    }

    /** An XA branch that stages {@code ack} and is prepared: the staging is in the share state log. */
    private static void prepared(TestClient c, String name, String member,
                                 io.streambus.protocol.share.Acknowledgement ack) throws Exception {
        String tid = tid(name);
        InitXaBranchResponse r = c.send(new InitXaBranchRequest(tid, xid(name), 0)).body(InitXaBranchResponse.class);
        ProducerIdAndEpoch p = new ProducerIdAndEpoch(r.producerId(), r.producerEpoch());
        assertThat(addGroup(c, tid, p, "q")).isZero();
        assertThat(stage(c, p, "q", member, ack)).isEmpty();
        assertThat(c.send(new PrepareTxnRequest(tid, p.producerId(), p.producerEpoch())).errorCode()).isZero();
    }
}
