package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.fetchCommitted;
import static io.streambus.broker.txn.EosTestSupport.readAll;
import static io.streambus.broker.txn.EosTestSupport.sequenced;
import static io.streambus.broker.txn.EosTestSupport.transactional;
import static io.streambus.broker.txn.PowerLoss.broker;
import static io.streambus.broker.txn.PowerLoss.committedOneAndBegun;
import static io.streambus.broker.txn.PowerLoss.cut;
import static io.streambus.broker.txn.PowerLoss.journal;
import static io.streambus.broker.txn.PowerLoss.segment;
import static io.streambus.broker.txn.PowerLoss.unclean;
import static io.streambus.broker.txn.TransactionsTest.addPartition;
import static io.streambus.broker.txn.TransactionsTest.endTxn;
import static io.streambus.broker.txn.TransactionsTest.init;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer journal snapshot is forced, the log's tail may not be (policies other than every-write): after a power
 * loss the snapshot can describe batches the log lost. The rebuild drops them, so the state never claims a batch the
 * log does not hold (B.12.5). The snapshot is made by a rebuild that found batches in the log only (journal cut
 * back, clean-shutdown marker removed, as in {@link LogRecordedProducerStateTest}); the power loss that then loses
 * the log's tail is simulated by cutting the segment file back and removing the marker.
 */
@ExtendWith(LeakCheck.class)
class SnapshotBeyondLogEndTest {
    @TempDir
    Path dir;

    /**
     * Stops the broker and turns its journal into a snapshot that describes every batch: the records from
     * {@code journalSize} on are cut away, and the restart finds their batches in the log and rewrites the journal.
     */
    private static void snapshotByRebuild(EmbeddedBroker b, Path data, long journalSize) throws IOException {
        b.stop();
        cut(journal(data), journalSize);
        unclean(data);
        b.start();
        b.stop();
    }

    /** A power loss that loses the log's tail from byte {@code segmentSize} on; the journal's snapshot survives. */
    private static void loseLogTail(Path data, long segmentSize) throws IOException {
        cut(segment(data), segmentSize);
        unclean(data);
    }

    private static ProduceResponse produce(TestClient c, long pid, int seq, String... values) throws IOException {
        return c.send(sequenced("t", 0, pid, (short) 0, seq, false, values)).body(ProduceResponse.class);
    }

    @Test
    void theRetryOfABatchTheSnapshotRemembersAndTheLogLostIsAppendedAfresh() throws IOException {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = broker(data)) {
            long pid;
            long segmentSize;
            long journalSize;
            try (TestClient c = TestClient.connect(b.start())) {
                c.send(new CreateTopicRequest("t", 1, 1));
                pid = c.send(new InitProducerIdRequest("", 0)).body(InitProducerIdResponse.class).producerId();
                assertThat(produce(c, pid, 0, "a").baseOffset()).isZero();
                segmentSize = Files.size(segment(data));
                journalSize = Files.size(journal(data));
                assertThat(produce(c, pid, 1, "b").baseOffset()).isEqualTo(1);
                assertThat(produce(c, pid, 2, "c").baseOffset()).isEqualTo(2);
            }
            snapshotByRebuild(b, data, journalSize);
            loseLogTail(data, segmentSize); // "b" and "c" are lost, the snapshot remembers them
            try (TestClient c = TestClient.connect(b.start())) {
                assertThat(c.send(TestClient.produce("t", 0, "x")).body(ProduceResponse.class).baseOffset())
                        .isEqualTo(1);
                // The client retries what it never saw answered: appended afresh, not a duplicate at offsets 1 and 2.
                ProduceResponse retry = produce(c, pid, 1, "b");
                assertThat(retry.baseOffset()).isEqualTo(2);
                assertThat(retry.highWaterMark()).isEqualTo(3);
                assertThat(produce(c, pid, 2, "c").baseOffset()).isEqualTo(3);
                assertThat(produce(c, pid, 3, "d").baseOffset()).isEqualTo(4);
                assertThat(readAll(c, "t", 0)).containsExactly("a", "x", "b", "c", "d");
            }
            b.stop();
            try (TestClient c = TestClient.connect(b.start())) {
                // The rewritten journal knows the batches appended afresh.
                ProduceResponse dup = produce(c, pid, 2, "c");
                assertThat(dup.baseOffset()).isEqualTo(3);
                assertThat(dup.highWaterMark()).isEqualTo(5);
                assertThat(produce(c, pid, 4, "e").baseOffset()).isEqualTo(5);
            }
        }
    }

    @Test
    void aProducerWhoseRememberedBatchesTheLogAllLostIsUnknownThere() throws IOException {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = broker(data)) {
            long kept;
            long lost;
            long segmentSize;
            long journalSize;
            try (TestClient c = TestClient.connect(b.start())) {
                c.send(new CreateTopicRequest("t", 1, 1));
                kept = c.send(new InitProducerIdRequest("", 0)).body(InitProducerIdResponse.class).producerId();
                lost = c.send(new InitProducerIdRequest("", 0)).body(InitProducerIdResponse.class).producerId();
                assertThat(produce(c, kept, 0, "a").baseOffset()).isZero();
                segmentSize = Files.size(segment(data));
                journalSize = Files.size(journal(data));
                assertThat(produce(c, lost, 0, "b").baseOffset()).isEqualTo(1);
                assertThat(produce(c, lost, 1, "c").baseOffset()).isEqualTo(2);
            }
            snapshotByRebuild(b, data, journalSize);
            loseLogTail(data, segmentSize);
            try (TestClient c = TestClient.connect(b.start())) {
                // The client saw "c" answered: its next batch tells it of the loss (B.12.6), whatever it resends.
                assertThat(c.send(sequenced("t", 0, lost, (short) 0, 2, false, "d")).errorCode())
                        .isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
                assertThat(c.send(sequenced("t", 0, lost, (short) 0, 1, false, "c")).errorCode())
                        .isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
                // The first batch is appended afresh, the sequence continues from it.
                assertThat(produce(c, lost, 0, "b").baseOffset()).isEqualTo(1);
                assertThat(produce(c, lost, 1, "c").baseOffset()).isEqualTo(2);
                // The other producer's batch is in the log: it keeps its state.
                assertThat(produce(c, kept, 0, "a").baseOffset()).isZero();
                assertThat(produce(c, kept, 1, "e").baseOffset()).isEqualTo(3);
                assertThat(readAll(c, "t", 0)).containsExactly("a", "b", "c", "e");
            }
        }
    }

    @Test
    void anOpenTransactionsBatchTheSnapshotHoldsAndTheLogLostIsForgotten() throws IOException {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = broker(data)) {
            InitProducerIdResponse p;
            long segmentSize;
            long journalSize;
            try (TestClient c = TestClient.connect(b.start())) {
                p = committedOneAndBegun(c);
                segmentSize = Files.size(segment(data));
                journalSize = Files.size(journal(data));
                ProduceResponse open = c.send(sequenced("t", 0, p.producerId(), p.producerEpoch(), 0, true, "open"))
                        .body(ProduceResponse.class);
                assertThat(open.baseOffset()).isEqualTo(1);
                assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isEqualTo(1);
            }
            // The snapshot holds the open batch, in the open transaction and in the producer's remembered batches.
            snapshotByRebuild(b, data, journalSize);
            loseLogTail(data, segmentSize);
            try (TestClient c = TestClient.connect(b.start())) {
                assertThat(c.send(TestClient.produce("t", 0, "plain")).body(ProduceResponse.class).baseOffset())
                        .isEqualTo(1);
                EosTestSupport.Committed r = fetchCommitted(c, "t", 0, 0);
                assertThat(r.lastStableOffset()).isEqualTo(2);
                assertThat(r.values()).containsExactly("committed", "plain");
                // A restart aborted the transaction. The producer saw "open" (sequence 0) answered, and the log
                // lost it: its next batch gets 47 (B.12.5 crash table), not appended as if "open" were there.
                assertThat(endTxn(c, "tx", p, true)).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
                addPartition(c, "tx", p, "t", 0);
                assertThat(c.send(sequenced("t", 0, p.producerId(), p.producerEpoch(), 1, true, "next"))
                        .errorCode()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
                assertThat(readAll(c, "t", 0)).containsExactly("committed", "plain");
            }
        }
    }

    @Test
    void anAbortedRangeTheSnapshotHoldsBeyondTheLogEndHidesNothingAppendedThere() throws IOException {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = broker(data)) {
            long segmentSize;
            long journalSize;
            try (TestClient c = TestClient.connect(b.start())) {
                c.send(new CreateTopicRequest("t", 1, 1));
                c.send(TestClient.produce("t", 0, "plain")); // 0
                segmentSize = Files.size(segment(data));
                InitProducerIdResponse p = init(c, "tx", 0);
                addPartition(c, "tx", p, "t", 0);
                c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "aborted")); // 1
                assertThat(endTxn(c, "tx", p, false)).isZero();
                long pid = c.send(new InitProducerIdRequest("", 0)).body(InitProducerIdResponse.class).producerId();
                journalSize = Files.size(journal(data));
                assertThat(produce(c, pid, 0, "s").baseOffset()).isEqualTo(2);
            }
            snapshotByRebuild(b, data, journalSize); // holds the aborted range [1, 2)
            loseLogTail(data, segmentSize);
            try (TestClient c = TestClient.connect(b.start())) {
                assertThat(c.send(TestClient.produce("t", 0, "x")).body(ProduceResponse.class).baseOffset())
                        .isEqualTo(1);
                EosTestSupport.Committed r = fetchCommitted(c, "t", 0, 0);
                assertThat(r.values()).containsExactly("plain", "x");
                assertThat(r.offsets()).containsExactly(0L, 1L);
            }
        }
    }
}
