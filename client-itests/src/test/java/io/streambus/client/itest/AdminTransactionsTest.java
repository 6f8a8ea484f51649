package io.streambus.client.itest;

import static io.streambus.client.itest.ExactlyOnceTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.Admin;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerFencedException;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.XaBranchException;
import io.streambus.client.producer.XaProducer;
import io.streambus.client.serialization.Serdes;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' transaction tools of {@link Admin} over real sockets against the embedded broker: listing XA
 * branches with prefix and state filters (B.7.8.5), heuristic decisions and what the TM then hears (B.7.8.7, the
 * EndXaBranch table of B.7.8.4), and aborting a hanging ordinary transaction (B.7.2).
 */
@ExtendWith(LeakCheck.class)
class AdminTransactionsTest {
    private static final String PREFIX = "jms.ops";

    private static Xid xid(String gtrid) {
        return new Xid(131077, gtrid.getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII));
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** The XA error code {@code f} fails with. */
    private static int xaError(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(XaBranchException.class);
            return ((XaBranchException) e.getCause()).xaErrorCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("succeeded");
    }

    /** Starts branch {@code xid} with one record on partition 0 of topic {@code xa}, prepared when asked. */
    private static XaProducer<String, String> branch(StreamBusClient client, Xid xid, String value, boolean prepare) {
        XaProducer<String, String> xa = client.newXaProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                Map.of());
        xa.startXaBranch(PREFIX, xid, Duration.ofSeconds(60));
        xa.send(new ProducerRecord<>("xa", 0, "k", value));
        if (prepare) {
            xa.prepareXaBranch();
        }
        return xa;
    }

    @Test
    void listFiltersByPrefixAndStateAndShowsPartitions(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = Brokers.start(dir); StreamBusClient client = Brokers.client(broker)) {
            Admin admin = client.admin();
            get(admin.createTopic("xa", 1));
            XaProducer<String, String> ongoing = branch(client, xid("open"), "o", false);
            ongoing.flush(Duration.ofSeconds(10));
            XaProducer<String, String> prepared = branch(client, xid("doubt"), "d", true);

            List<XaBranch> all = get(admin.listXaBranches(PREFIX + ":xa:", List.of()));
            assertThat(all).extracting(b -> b.xid().equals(xid("open")) ? "open" : "doubt", XaBranch::state)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("open", "Ongoing"),
                            org.assertj.core.groups.Tuple.tuple("doubt", "Prepared"));
            assertThat(all).allSatisfy(b -> {
                assertThat(b.transactionalId()).startsWith(PREFIX + ":xa:");
                assertThat(b.partitions().asMap()).isEqualTo(Map.of("xa", List.of(0)));
                assertThat(b.stateSinceMs()).isPositive();
            });
            assertThat(get(admin.listXaBranches("", List.of("Prepared")))).extracting(XaBranch::xid)
                    .containsExactly(xid("doubt"));
            assertThat(get(admin.listXaBranches("", List.of("prepared")))).as("state names are case-sensitive")
                    .isEmpty();
            assertThat(get(admin.listXaBranches("other.rm", List.of()))).isEmpty();
            assertThat(get(admin.recoverXaBranches(PREFIX))).containsExactly(xid("doubt"));

            // The TM's rollback by Xid ends the Ongoing branch too; the listing then shows it complete and empty.
            get(admin.rollbackXaBranch(PREFIX, xid("open")));
            get(admin.rollbackXaBranch(PREFIX, xid("doubt")));
            assertThat(get(admin.listXaBranches(PREFIX, List.of()))).allSatisfy(b -> {
                assertThat(b.state()).isEqualTo("CompleteAbort");
                assertThat(b.partitions().isEmpty()).isTrue();
            });
            ongoing.close(Duration.ofSeconds(5));
            prepared.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void heuristicDecisionsAreReportedToTheTmUntilForgotten(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = Brokers.start(dir); StreamBusClient client = Brokers.client(broker);
             StreamBusClient operator = Brokers.client(broker)) {
            Admin admin = client.admin();
            get(admin.createTopic("xa", 1));
            branch(client, xid("hc"), "heur-commit", true).close(Duration.ofSeconds(5));
            branch(client, xid("hr"), "heur-rollback", true).close(Duration.ofSeconds(5));

            // The operator decides from another connection; the branches are then "heuristically completed".
            get(operator.admin().decideXaBranchHeuristically(PREFIX, xid("hc"), true));
            get(operator.admin().decideXaBranchHeuristically(PREFIX, xid("hr"), false));
            assertThat(xaError(operator.admin().decideXaBranchHeuristically(PREFIX, xid("hc"), false)))
                    .as("decided once: 31").isEqualTo(XaBranchException.XAER_PROTO);
            assertThat(get(admin.listXaBranches(PREFIX, List.of("HeuristicCommit", "HeuristicRollback"))))
                    .extracting(XaBranch::state).containsExactlyInAnyOrder("HeuristicCommit", "HeuristicRollback");
            assertThat(get(admin.recoverXaBranches(PREFIX))).containsExactlyInAnyOrder(xid("hc"), xid("hr"));
            assertThat(readAll(client, "xa", 1, "read_committed", 1)).extracting(ConsumerRecord::value)
                    .containsExactly("heur-commit");

            // The TM returns: whatever it decides, it learns the heuristic outcome (57 / 58), then forgets.
            assertThat(xaError(admin.commitXaBranch(PREFIX, xid("hc")))).isEqualTo(XaBranchException.XA_HEURCOM);
            assertThat(xaError(admin.rollbackXaBranch(PREFIX, xid("hc")))).isEqualTo(XaBranchException.XA_HEURCOM);
            assertThat(xaError(admin.commitXaBranch(PREFIX, xid("hr")))).isEqualTo(XaBranchException.XA_HEURRB);
            get(admin.forgetXaBranch(PREFIX, xid("hc")));
            get(admin.forgetXaBranch(PREFIX, xid("hr")));
            assertThat(get(admin.listXaBranches(PREFIX, List.of()))).isEmpty();
            assertThat(xaError(admin.commitXaBranch(PREFIX, xid("hc")))).as("55 once forgotten")
                    .isEqualTo(XaBranchException.XAER_NOTA);
        }
    }

    @Test
    void abortingAHangingTransactionFencesItsProducerAndReleasesReadCommitted(@TempDir Path dir)
            throws Exception {
        try (EmbeddedBroker broker = Brokers.start(dir); StreamBusClient client = Brokers.client(broker);
             StreamBusClient operator = Brokers.client(broker)) {
            get(client.admin().createTopic("hang", 1));
            Producer<String, String> stuck = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("transactional.id", "hanging-app", "transaction.timeout.ms", 600_000));
            stuck.initTransactions();
            stuck.beginTransaction();
            stuck.send(new ProducerRecord<>("hang", 0, "k", "hanging")).get(10, TimeUnit.SECONDS);
            try (Producer<String, String> plain = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer())) {
                plain.send(new ProducerRecord<>("hang", 0, "k", "after")).get(10, TimeUnit.SECONDS);
            }
            assertThat(readAll(client, "hang", 1, "read_committed", 0)).as("held back by the open transaction")
                    .isEmpty();

            get(operator.admin().abortTransaction("hanging-app"));
            assertThat(readAll(client, "hang", 1, "read_committed", 1)).extracting(ConsumerRecord::value)
                    .containsExactly("after");
            assertThatThrownBy(stuck::commitTransaction).isInstanceOf(ProducerFencedException.class);
            stuck.close(Duration.ofSeconds(5));
            assertThatThrownBy(() -> get(operator.admin().abortTransaction(""))).hasCauseInstanceOf(
                    IllegalArgumentException.class);
        }
    }
}
