package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.transactional;
import static io.streambus.broker.txn.TransactionsTest.addPartition;
import static io.streambus.broker.txn.TransactionsTest.endTxn;
import static io.streambus.broker.txn.TransactionsTest.init;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The files of partition 0 of topic {@code t} under a broker's data dir, and what a power loss leaves of them: a file
 * cut back to the size it had when it was last forced, and no clean-shutdown marker. Kill -9 cannot show this (the
 * page cache survives it), so the tests stop the broker and cut the files.
 */
final class PowerLoss {
    private PowerLoss() {
    }

    /** A broker on {@code data} serving transactions (not started). */
    static EmbeddedBroker broker(Path data) {
        return EmbeddedBroker.builder().dataDir(data).exactlyOnce(TransactionsTest.txnConfig()).build();
    }

    static Path partitionDir(Path data) {
        return data.resolve("topics").resolve("t").resolve("partition-0");
    }

    static Path journal(Path data) {
        return data.resolve(EosService.DIRECTORY).resolve("partitions").resolve("t").resolve("0.journal");
    }

    static Path segment(Path data) {
        return partitionDir(data).resolve("00000000000000000000.log");
    }

    /** Cuts {@code file} back to {@code size} bytes: what was written after that was not on disk yet. */
    static void cut(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** Removes the partition's clean-shutdown marker, so the next open recovers the log as after a crash. */
    static void unclean(Path data) throws IOException {
        Files.deleteIfExists(partitionDir(data).resolve(".clean-shutdown"));
    }

    /**
     * Creates topic {@code t} (1 partition), commits one record ("committed", offset 0) in a transaction of
     * transactional id {@code tx}, and adds the partition to the producer's next transaction.
     *
     * @return the producer of {@code tx}
     */
    static InitProducerIdResponse committedOneAndBegun(TestClient c) throws IOException {
        c.send(new CreateTopicRequest("t", 1, 1));
        InitProducerIdResponse p = init(c, "tx", 0);
        addPartition(c, "tx", p, "t", 0);
        c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "committed")); // 0
        assertThat(endTxn(c, "tx", p, true)).isZero();
        addPartition(c, "tx", p, "t", 0);
        return p;
    }
}
