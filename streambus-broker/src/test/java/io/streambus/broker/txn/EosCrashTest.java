package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.fetchCommitted;
import static io.streambus.broker.txn.EosTestSupport.readAll;
import static io.streambus.broker.txn.EosTestSupport.sequenced;
import static io.streambus.broker.txn.EosTestSupport.transactional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL at the exactly-once layer's worst moments ({@link CrashPoints}, in a {@link EosCrashChild} broker): between
 * a batch's producer journal record and the batch, after the batch before the reply, and in the middle of writing an
 * XA commit decision with staged offsets. After the restart the producer state and the transaction are as B.12.5
 * and B.7.8.6 say.
 */
@ExtendWith(LeakCheck.class)
class EosCrashTest {
    @TempDir
    Path dir;

    private static ChildBroker crashing(Path data, CrashPoints.Point point, int nth) throws IOException {
        return ChildBroker.startMain(EosCrashChild.class.getName(), data, "--crash-at", point + ":" + nth);
    }

    private static long produceOk(TestClient c, long pid, int seq, String value) throws IOException {
        TestClient.Response r = c.send(sequenced("t", 0, pid, (short) 0, seq, false, value));
        assertThat(r.isError()).as("%s", r).isFalse();
        return r.body(ProduceResponse.class).baseOffset();
    }

    /**
     * In a broker that dies the second time it reaches {@code point}: stores "a" with sequence 0, then sends "b" with
     * sequence 1, which kills it. Returns the producer id.
     */
    private static long killedBySecondBatch(Path data, CrashPoints.Point point) throws Exception {
        try (ChildBroker child = crashing(data, point, 2); TestClient c = TestClient.connect(child.port())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            long pid = c.send(new InitProducerIdRequest("", 0)).body(InitProducerIdResponse.class).producerId();
            assertThat(produceOk(c, pid, 0, "a")).isZero();
            assertThatThrownBy(() -> c.send(sequenced("t", 0, pid, (short) 0, 1, false, "b")))
                    .isInstanceOf(IOException.class);
            assertThat(child.awaitExit()).isEqualTo(137);
            return pid;
        }
    }

    @Test
    void killAfterTheBatchBeforeTheReplyTheRetryIsADuplicate() throws Exception {
        Path data = dir.resolve("data");
        long pid = killedBySecondBatch(data, CrashPoints.Point.BATCH_APPENDED); // "b" appended, no reply
        try (ChildBroker child = ChildBroker.start(data); TestClient c = TestClient.connect(child.port())) {
            assertThat(produceOk(c, pid, 1, "b")).as("the retry gets the original offset").isEqualTo(1);
            assertThat(produceOk(c, pid, 2, "c")).isEqualTo(2);
            assertThat(readAll(c, "t", 0)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void killBetweenTheJournalRecordAndTheBatchTheRetryIsAppendedAfresh() throws Exception {
        Path data = dir.resolve("data");
        // killed after the journal record of "b", before "b" itself
        long pid = killedBySecondBatch(data, CrashPoints.Point.BATCH_JOURNALED);
        try (ChildBroker child = ChildBroker.start(data); TestClient c = TestClient.connect(child.port())) {
            assertThat(readAll(c, "t", 0)).containsExactly("a");
            // The record claiming offset 1 was dropped: the retry is appended, and the sequence continues.
            assertThat(produceOk(c, pid, 1, "b")).isEqualTo(1);
            assertThat(produceOk(c, pid, 1, "b")).as("now a duplicate").isEqualTo(1);
            assertThat(produceOk(c, pid, 2, "c")).isEqualTo(2);
            assertThat(readAll(c, "t", 0)).containsExactly("a", "b", "c");
        }
        // And the rebuilt state is itself durable: one more plain restart keeps it.
        try (ChildBroker child = ChildBroker.start(data); TestClient c = TestClient.connect(child.port())) {
            assertThat(produceOk(c, pid, 2, "c")).isEqualTo(2);
            assertThat(readAll(c, "t", 0)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void preparedBranchWithStagedOffsetsSurvivesAKillInTheMiddleOfItsCommit() throws Exception {
        Path data = dir.resolve("data");
        Xid xid = XaTest.xid("staged");
        String id = xid.transactionId("jms.app1");
        try (ChildBroker child = ChildBroker.start(data); TestClient c = TestClient.connect(child.port())) {
            c.send(new CreateTopicRequest("t", 2, 1));
            InitProducerIdResponse p = XaTest.start(c, xid, 0);
            assertThat(c.send(new AddPartitionsToTxnRequest(id, p.producerId(), p.producerEpoch(),
                    TopicPartitions.of("t", List.of(0, 1)))).isError()).isFalse();
            assertThat(c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "p0")).isError()).isFalse();
            assertThat(c.send(transactional("t", 1, p.producerId(), p.producerEpoch(), "p1")).isError()).isFalse();
            assertThat(c.send(new AddOffsetsToTxnRequest(id, p.producerId(), p.producerEpoch(), "g")).errorCode())
                    .isZero();
            assertThat(c.send(new TxnOffsetCommitRequest(id, "g", p.producerId(), p.producerEpoch(),
                    TopicPartitions.of("t", List.of(new PartitionOffset(0, 42, "md"))))).errorCode()).isZero();
            assertThat(c.send(new PrepareTxnRequest(id, p.producerId(), p.producerEpoch())).errorCode()).isZero();
            child.kill();
        }
        // Prepared across a SIGKILL, staged offsets included; then killed after the first marker of its commit.
        try (ChildBroker child = crashing(data, CrashPoints.Point.OUTCOME_MARKER, 1);
             TestClient c = TestClient.connect(child.port())) {
            List<XaBranch> branches = XaTest.recover(c);
            assertThat(branches).extracting(XaBranch::xid).containsExactly(xid);
            assertThat(branches.get(0).groupIds()).containsExactly("g");
            assertThat(TransactionsTest.committedOffset(c)).isEqualTo(-1);
            assertThatThrownBy(() -> XaTest.end(c, xid, XaAction.COMMIT, false)).isInstanceOf(IOException.class);
            assertThat(child.awaitExit()).isEqualTo(137);
        }
        // The restart completes the decision: both partitions' batches and the staged offset, once.
        try (ChildBroker child = ChildBroker.start(data); TestClient c = TestClient.connect(child.port())) {
            assertThat(XaTest.recover(c)).isEmpty();
            assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("p0");
            assertThat(fetchCommitted(c, "t", 1, 0).values()).containsExactly("p1");
            assertThat(TransactionsTest.committedOffset(c)).isEqualTo(42);
            assertThat(XaTest.end(c, xid, XaAction.COMMIT, false)).as("already committed").isZero();
            assertThat(XaTest.end(c, xid, XaAction.FORGET, false)).isZero();
        }
    }
}
