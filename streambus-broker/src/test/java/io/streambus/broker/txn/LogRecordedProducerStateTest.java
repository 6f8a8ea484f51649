package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.fetchCommitted;
import static io.streambus.broker.txn.EosTestSupport.readAll;
import static io.streambus.broker.txn.EosTestSupport.sequenced;
import static io.streambus.broker.txn.EosTestSupport.transactional;
import static io.streambus.broker.txn.PowerLoss.broker;
import static io.streambus.broker.txn.PowerLoss.committedOneAndBegun;
import static io.streambus.broker.txn.PowerLoss.cut;
import static io.streambus.broker.txn.PowerLoss.journal;
import static io.streambus.broker.txn.PowerLoss.unclean;
import static io.streambus.broker.txn.TransactionsTest.endTxn;
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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log itself records the producer data of sequenced and transactional batches (B.12.5 "Log requirement"), and
 * the rebuild finds there what the producer journal lacks. A power loss can leave a batch on disk without its
 * journal record (the kernel writes dirty log pages back when it likes); it is simulated by stopping the broker,
 * cutting the journal back to its size before the batch's append and removing the partition's clean-shutdown marker
 * (what a power loss leaves: the segment holds the batch, the journal does not, the shutdown was unclean).
 */
@ExtendWith(LeakCheck.class)
class LogRecordedProducerStateTest {
    @TempDir
    Path dir;

    /** Leaves the journal as a power loss after the append would: the records from {@code size} on are lost. */
    private static void losePowerKeepingSegment(Path data, long size) throws IOException {
        cut(journal(data), size);
        unclean(data);
    }

    @Test
    void aSequencedBatchOnDiskWithoutItsJournalRecordIsADuplicateAfterTheRestart() throws IOException {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = broker(data)) {
            long pid;
            long journalBefore;
            try (TestClient c = TestClient.connect(b.start())) {
                c.send(new CreateTopicRequest("t", 1, 1));
                pid = c.send(new InitProducerIdRequest("", 0)).body(InitProducerIdResponse.class).producerId();
                c.send(sequenced("t", 0, pid, (short) 0, 0, false, "a")).body(ProduceResponse.class);
                c.send(TestClient.produce("t", 0, "plain"));
                journalBefore = Files.size(journal(data));
                ProduceResponse r = c.send(sequenced("t", 0, pid, (short) 0, 1, false, "b", "c"))
                        .body(ProduceResponse.class);
                assertThat(r.baseOffset()).isEqualTo(2);
            }
            b.stop();
            losePowerKeepingSegment(data, journalBefore);
            try (TestClient c = TestClient.connect(b.start())) {
                // The client never got the reply and retries: the same batch, found in the log, not appended again.
                ProduceResponse retry = c.send(sequenced("t", 0, pid, (short) 0, 1, false, "b", "c"))
                        .body(ProduceResponse.class);
                assertThat(retry.baseOffset()).isEqualTo(2);
                assertThat(retry.messageCount()).isEqualTo(2);
                assertThat(retry.highWaterMark()).isEqualTo(4);
                ProduceResponse next = c.send(sequenced("t", 0, pid, (short) 0, 3, false, "d"))
                        .body(ProduceResponse.class);
                assertThat(next.baseOffset()).isEqualTo(4);
                assertThat(readAll(c, "t", 0)).containsExactly("a", "plain", "b", "c", "d");
            }
            // The rebuild wrote what it found to the journal: another such restart still knows the batch.
            b.stop();
            unclean(data);
            try (TestClient c = TestClient.connect(b.start())) {
                assertThat(c.send(sequenced("t", 0, pid, (short) 0, 1, false, "b", "c"))
                        .body(ProduceResponse.class).baseOffset()).isEqualTo(2);
                assertThat(readAll(c, "t", 0)).containsExactly("a", "plain", "b", "c", "d");
            }
        }
    }

    @Test
    void aTransactionalBatchOnDiskWithoutItsJournalRecordIsAbortedByTheRestart() throws IOException {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = broker(data)) {
            InitProducerIdResponse p;
            long journalBefore;
            try (TestClient c = TestClient.connect(b.start())) {
                p = committedOneAndBegun(c);
                journalBefore = Files.size(journal(data));
                c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "open"));      // 1
                c.send(TestClient.produce("t", 0, "plain"));                                    // 2
                assertThat(fetchCommitted(c, "t", 0, 0).lastStableOffset()).isEqualTo(1);
            }
            b.stop();
            losePowerKeepingSegment(data, journalBefore);
            try (TestClient c = TestClient.connect(b.start())) {
                EosTestSupport.Committed r = fetchCommitted(c, "t", 0, 0);
                assertThat(r.lastStableOffset()).isEqualTo(3);
                assertThat(r.values()).containsExactly("committed", "plain");
                assertThat(readAll(c, "t", 0)).containsExactly("committed", "open", "plain");
                // The open transaction was aborted by the restart, which the producer learns from EndTxn.
                assertThat(endTxn(c, "tx", p, true)).isEqualTo(ErrorCode.TRANSACTION_ABORTED);
            }
        }
    }

    /**
     * A data directory written by the version before batch magic 2 (every batch magic 1; the producer data only in
     * the journal; made by {@code magic1-datadir.zip}'s generator, see the test resources): it opens, reads, and
     * its producer state and transactions are what they were.
     */
    @Test
    void aDataDirectoryWithMagicOneBatchesOpensAndReads() throws IOException {
        Path data = dir.resolve("data");
        unzip("magic1-datadir.zip", data);
        try (EmbeddedBroker b = broker(data); TestClient c = TestClient.connect(b.start())) {
            assertThat(readAll(c, "t", 0)).containsExactly("a", "b", "c", "plain", "committed", "aborted", "open");
            EosTestSupport.Committed r = fetchCommitted(c, "t", 0, 0);
            // "open" was in an Ongoing transaction when the old broker stopped: the restart aborted it.
            assertThat(r.values()).containsExactly("a", "b", "c", "plain", "committed");
            assertThat(r.lastStableOffset()).isEqualTo(7);
            // The idempotent producer's state came from the old journal: its last batch is a duplicate.
            ProduceResponse retry = c.send(sequenced("t", 0, MAGIC1_PID, (short) 0, 2, false, "c"))
                    .body(ProduceResponse.class);
            assertThat(retry.baseOffset()).isEqualTo(2);
            assertThat(retry.highWaterMark()).isEqualTo(7);
            ProduceResponse next = c.send(sequenced("t", 0, MAGIC1_PID, (short) 0, 3, false, "d"))
                    .body(ProduceResponse.class);
            assertThat(next.baseOffset()).isEqualTo(7);
            // Magic-1 and magic-2 batches side by side in one segment.
            assertThat(readAll(c, "t", 0)).containsExactly("a", "b", "c", "plain", "committed", "aborted", "open",
                    "d");
            assertThat(fetchCommitted(c, "t", 0, 0).values()).containsExactly("a", "b", "c", "plain", "committed",
                    "d");
        }
    }

    /** The idempotent producer id of {@code magic1-datadir.zip}. */
    private static final long MAGIC1_PID = 1001;

    private static void unzip(String resource, Path target) throws IOException {
        try (InputStream in = LogRecordedProducerStateTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            try (ZipInputStream zip = new ZipInputStream(in)) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    Path p = target.resolve(e.getName()).normalize();
                    assertThat(p.startsWith(target)).as(e.getName()).isTrue();
                    if (e.isDirectory()) {
                        Files.createDirectories(p);
                    } else {
                        Files.createDirectories(p.getParent());
                        Files.copy(zip, p);
                    }
                }
            }
        }
    }
}
