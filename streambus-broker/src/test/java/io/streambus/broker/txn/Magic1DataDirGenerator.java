package io.streambus.broker.txn;

import static io.streambus.broker.txn.EosTestSupport.sequenced;
import static io.streambus.broker.txn.EosTestSupport.transactional;
import static io.streambus.broker.txn.TransactionsTest.addPartition;
import static io.streambus.broker.txn.TransactionsTest.endTxn;
import static io.streambus.broker.txn.TransactionsTest.init;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes {@code magic1-datadir.zip} (the data directory {@link LogRecordedProducerStateTest} opens) when run with
 * {@code -Dstreambus.magic1.out=<zip>} on the version before batch magic 2 (commit 27d8502): topic {@code t}, an
 * idempotent producer's batches at 0..2, a plain message, a committed, an aborted and an Ongoing transaction's
 * batches; stopped cleanly. Skipped otherwise.
 */
@EnabledIfSystemProperty(named = "streambus.magic1.out", matches = ".+")
class Magic1DataDirGenerator {
    @TempDir
    Path dir;

    @Test
    void generate() throws IOException {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(data).exactlyOnce(TransactionsTest.txnConfig())
                .build(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            long pid = c.send(new InitProducerIdRequest("", 0)).body(InitProducerIdResponse.class).producerId();
            assertThat(pid).isEqualTo(1001);
            assertThat(c.send(sequenced("t", 0, pid, (short) 0, 0, false, "a", "b")).body(ProduceResponse.class)
                    .baseOffset()).isZero();
            c.send(sequenced("t", 0, pid, (short) 0, 2, false, "c")).body(ProduceResponse.class);
            c.send(TestClient.produce("t", 0, "plain"));
            InitProducerIdResponse p = init(c, "tx", 0);
            addPartition(c, "tx", p, "t", 0);
            c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "committed"));
            assertThat(endTxn(c, "tx", p, true)).isZero();
            addPartition(c, "tx", p, "t", 0);
            c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "aborted"));
            assertThat(endTxn(c, "tx", p, false)).isZero();
            addPartition(c, "tx", p, "t", 0);
            c.send(transactional("t", 0, p.producerId(), p.producerEpoch(), "open"));
        }
        Path out = Path.of(System.getProperty("streambus.magic1.out"));
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os);
                Stream<Path> files = Files.walk(data)) {
            for (Path f : files.sorted().toList()) {
                if (!Files.isRegularFile(f) || f.getFileName().toString().equals(".lock")) {
                    continue;
                }
                zip.putNextEntry(new ZipEntry(data.relativize(f).toString()));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        assertThat(List.of(out)).allMatch(Files::exists);
    }
}
