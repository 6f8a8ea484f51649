package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.protocol.message.MessageBlock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches stored with producer fields (magic 2) next to plain ones (magic 1): read back across segments and index
 * entries, reported by {@link PartitionLog#scanProducerBatches}, checked by recovery (the CRC covers the fields).
 */
class ProducerBatchFormatTest {
    private static final LogConfig SMALL = LogConfig.builder().segmentBytes(4096).indexIntervalBytes(256).build();

    @TempDir
    Path tmp;

    /** What the scan reported for one batch. */
    private record Seen(long base, int count, long pid, short epoch, int seq, boolean txn) {
    }

    private static AppendResult appendProducer(PartitionLog log, List<Msg> msgs, long pid, short epoch, int seq,
            boolean txn) {
        MessageBlock block = Msg.block(msgs);
        try {
            PendingAppend p = log.appendPending(block, pid, epoch, seq, txn, base -> { });
            log.awaitDurable(p);
            return p.result();
        } finally {
            block.release();
        }
    }

    private static List<Seen> scan(PartitionLog log, long from) {
        List<Seen> seen = new ArrayList<>();
        int n = log.scanProducerBatches(from, (base, count, time, pid, epoch, seq, txn) -> {
            assertThat(time).isPositive();
            seen.add(new Seen(base, count, pid, epoch, seq, txn));
        });
        assertThat(n).isEqualTo(seen.size());
        return seen;
    }

    @Test
    void mixedBatchesReadScanAndRecover() throws IOException {
        Path data = tmp.resolve("d");
        List<Msg> expected = new ArrayList<>();
        List<Seen> producerBatches = new ArrayList<>();
        try (LogManager m = LogManager.open(data, SMALL)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            for (int b = 0; b < 90; b++) {
                List<Msg> batch = new ArrayList<>();
                for (int i = 0; i <= b % 3; i++) {
                    int n = expected.size() + batch.size();
                    batch.add(new Msg(0, n, Msg.bytes("k" + n), Msg.bytes("v" + n + "-" + "x".repeat(b % 50)),
                            List.of()));
                }
                if (b % 2 == 0) {
                    long pid = 100 + b % 4;
                    boolean txn = b % 4 == 2;
                    int seq = txn && b % 8 == 2 ? -1 : b * 10;
                    AppendResult r = appendProducer(log, batch, pid, (short) (b % 3), seq, txn);
                    producerBatches.add(new Seen(r.baseOffset(), batch.size(), pid, (short) (b % 3), seq, txn));
                } else {
                    Msg.append(log, batch);
                }
                expected.addAll(batch);
            }
            assertThat(log.segmentCount()).isGreaterThan(2);
            assertReads(log, expected);
            assertThat(scan(log, 0)).containsExactlyElementsOf(producerBatches);
            Seen middle = producerBatches.get(producerBatches.size() / 2);
            assertThat(scan(log, middle.base())).containsExactlyElementsOf(
                    producerBatches.subList(producerBatches.size() / 2, producerBatches.size()));
            assertThat(scan(log, log.endOffset())).isEmpty();
        }
        // An unclean stop without a recovery point: the last segment is scanned whole, every CRC checked.
        Path dir = data.resolve("topics/t/partition-0");
        Files.delete(dir.resolve(BatchFormat.CLEAN_MARKER));
        Files.deleteIfExists(data.resolve(RecoveryCheckpoint.FILE_NAME));
        try (LogManager m = LogManager.open(data, SMALL)) {
            PartitionLog log = m.partition("t", 0);
            assertReads(log, expected);
            assertThat(scan(log, 0)).containsExactlyElementsOf(producerBatches);
        }
    }

    @Test
    void theCrcCoversTheProducerFields() throws IOException {
        Path data = tmp.resolve("d");
        List<Msg> first = List.of(Msg.of("k0", "plain"));
        List<Msg> second = List.of(new Msg(0, 1, Msg.bytes("k1"), Msg.bytes("sequenced"), List.of()));
        try (LogManager m = LogManager.open(data, LogConfig.builder().build())) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            Msg.append(log, first);
            appendProducer(log, second, 7, (short) 1, 0, false);
            assertThat(log.endOffset()).isEqualTo(2);
        }
        Path dir = data.resolve("topics/t/partition-0");
        Files.delete(dir.resolve(BatchFormat.CLEAN_MARKER));
        Files.deleteIfExists(data.resolve(RecoveryCheckpoint.FILE_NAME));
        int secondAt = BatchFormat.HEADER_SIZE + first.get(0).encodedSize();
        Path segment = dir.resolve(BatchFormat.fileName(0, BatchFormat.LOG_SUFFIX));
        assertThat(Files.size(segment)).isEqualTo(secondAt + BatchFormat.PRODUCER_HEADER_SIZE
                + second.get(0).encodedSize());
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, secondAt + BatchFormat.PRODUCER_ID_OFFSET + 7);
            b.put(0, (byte) (b.get(0) ^ 1)).rewind();
            ch.write(b, secondAt + BatchFormat.PRODUCER_ID_OFFSET + 7);
        }
        try (LogManager m = LogManager.open(data, LogConfig.builder().build())) {
            PartitionLog log = m.partition("t", 0);
            assertThat(log.endOffset()).as("the batch with the damaged producer id is cut off").isEqualTo(1);
            assertThat(scan(log, 0)).isEmpty();
        }
    }

    private static void assertReads(PartitionLog log, List<Msg> expected) {
        // Small reads too, so that reads start at index entries in the middle of segments.
        for (int maxBytes : new int[] {1 << 20, 40}) {
            List<Msg> got = Msg.readAll(log, 0, maxBytes);
            assertThat(got).hasSize(expected.size());
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).offset()).isEqualTo(i);
                assertThat(got.get(i).sameContent(expected.get(i))).as("message %d", i).isTrue();
            }
        }
        for (long from = 0; from < expected.size(); from += 7) {
            assertThat(Msg.read(log, from, 1, 1 << 20).get(0).offset()).isEqualTo(from);
        }
    }
}
