package io.streambus.cli;

import static io.streambus.cli.Cli.failed;
import static io.streambus.cli.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.txn.EosConfig;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerFencedException;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.XaBranchException;
import io.streambus.client.producer.XaProducer;
import io.streambus.client.serialization.Serdes;
import io.streambus.protocol.txn.Xid;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** transactions list, describe and abort, and xa list, commit, rollback and forget against a broker with 2PC. */
@ExtendWith(LeakCheck.class)
class TransactionsAndXaCommandTest {
    @RegisterExtension
    static final CliBroker ENV = new CliBroker(b -> b.exactlyOnce(EosConfig.defaults().withTransactions(true)));

    private static Xid xid(String gtrid, String bqual) {
        return new Xid(131077, gtrid.getBytes(StandardCharsets.US_ASCII), bqual.getBytes(StandardCharsets.US_ASCII));
    }

    /** Prepares a branch holding one record on partition 0 of {@code topic}. */
    private static void prepared(String prefix, Xid xid, String topic, String value) {
        try (XaProducer<String, String> xa = ENV.client().newXaProducer(Serdes.stringSerializer(),
                Serdes.stringSerializer(), Map.of())) {
            xa.startXaBranch(prefix, xid, Duration.ofSeconds(60));
            xa.send(new ProducerRecord<>(topic, 0, "k", value));
            xa.prepareXaBranch();
        }
    }

    /** The values a read_committed consumer reads from partition 0 of {@code topic}, once it has {@code n}. */
    private static List<String> readCommitted(String topic, int n) {
        List<String> values = new ArrayList<>();
        try (Consumer<String, String> c = ENV.client().newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("isolation.level", "read_committed",
                        "auto.offset.reset", "earliest"))) {
            c.assign(topic, List.of(0));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                c.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                return values.size() >= n;
            });
        }
        return values;
    }

    @Test
    @SuppressWarnings("unchecked")
    void listPreparedBranchesThenCommitRollBackAndForgetThemThroughTheCli() {
        ok(ENV.cli().run("topics", "create", "xa-out", "--partitions", "1"));
        Xid first = xid("tm1.000042", "br1");
        Xid second = xid("tm1.000043", "");
        prepared("cli.app", first, "xa-out", "first");
        prepared("cli.app", second, "xa-out", "second");
        String firstId = "cli.app:xa:00020005:746d312e303030303432:627231";
        String secondXid = "00020005:746d312e303030303433:";
        String secondId = "cli.app:xa:" + secondXid;

        Cli.Result table = ok(ENV.cli().run("xa", "list"));
        assertThat(table.out()).containsPattern("PREFIX\\s+XID\\s+STATE\\s+SINCE\\s+AGE\\s+PARTITIONS\\s+GROUPS")
                .containsPattern("cli\\.app\\s+00020005:746d312e303030303432:627231\\s+Prepared\\s+\\S+Z\\s+\\S+\\s+"
                        + "xa-out-0\\s+-")
                .contains("2 Prepared branches hold back read_committed consumers of their partitions");
        List<Object> json = ok(ENV.cli().run("xa", "list", "--in-doubt", "--prefix", "cli.app", "-o", "json"))
                .jsonArray();
        assertThat(json).hasSize(2);
        Map<String, Object> b = (Map<String, Object>) json.get(0);
        assertThat(b).containsEntry("transactionId", firstId).containsEntry("prefix", "cli.app")
                .containsEntry("state", "Prepared").containsEntry("groups", List.of())
                .containsEntry("partitions", List.of(Map.of("topic", "xa-out", "partition", 0L)))
                .containsKeys("producerId", "producerEpoch", "stateSinceMs", "stateSince", "ageMs");
        assertThat((Map<String, Object>) b.get("xid")).containsEntry("formatId", 131077L)
                .containsEntry("globalTransactionId", "746d312e303030303432").containsEntry("branchQualifier", "627231")
                .containsEntry("text", "00020005:746d312e303030303432:627231");
        assertThat(ok(ENV.cli().run("xa", "list", "--state", "CompleteCommit", "-o", "json")).jsonArray()).isEmpty();

        Cli.Result txns = ok(ENV.cli().run("transactions", "list", "--prefix", "cli.app:"));
        assertThat(txns.out()).containsPattern("TRANSACTION ID\\s+STATE\\s+SINCE\\s+AGE\\s+PRODUCER\\s+PARTITIONS")
                .containsPattern(firstId + "\\s+Prepared").contains(secondId)
                .contains("Ordinary (non-XA) transactions are not listed: the wire protocol has no request");
        Map<String, Object> txnsJson = ok(ENV.cli().run("transactions", "list", "-o", "json")).jsonObject();
        assertThat(txnsJson).containsEntry("ordinaryTransactionsListed", false);
        assertThat(Cli.list(txnsJson.get("transactions"))).hasSize(2);

        Cli.Result described = ok(ENV.cli().run("transactions", "describe", firstId));
        assertThat(described.out()).containsPattern("state\\s+Prepared").containsPattern("xid\\s+00020005:")
                .containsPattern("partitions\\s+xa-out-0").containsPattern("prefix\\s+cli\\.app");
        assertThat(ok(ENV.cli().run("transactions", "describe", firstId, "-o", "json")).jsonObject())
                .containsEntry("transactionId", firstId).containsEntry("state", "Prepared");

        // forget needs a complete branch: the refusal names the branch's state
        assertThat(failed(ENV.cli().run("xa", "forget", firstId), 1).err()).contains("cannot forget XA branch "
                + firstId + ": it is Prepared; only a complete or heuristically completed branch can be forgotten");

        Map<String, Object> committed = ok(ENV.cli().run("xa", "commit", firstId, "-o", "json")).jsonObject();
        assertThat(committed).containsEntry("transactionId", firstId).containsEntry("action", "commit")
                .containsEntry("heuristic", false);
        Cli.Result rolledBack = ok(ENV.cli().run("xa", "rollback", "--heuristic", "--prefix", "cli.app", secondXid));
        assertThat(rolledBack.out()).contains("Rolled back XA branch " + secondId + " (heuristic decision");
        assertThat(readCommitted("xa-out", 1)).containsExactly("first");

        List<Object> after = ok(ENV.cli().run("xa", "list", "-o", "json")).jsonArray();
        assertThat(after).extracting(o -> (Object) ((Map<?, ?>) o).get("state"))
                .containsExactly("CompleteCommit", "HeuristicRollback");
        assertThat(after).extracting(o -> (Object) ((Map<?, ?>) o).get("partitions")).containsOnly(List.of());
        assertThat(failed(ENV.cli().run("xa", "commit", secondId), 1).err()).contains("an operator decided it already "
                + "(HeuristicRollback)").contains("streambus xa forget " + secondId);
        assertThat(failed(ENV.cli().run("xa", "rollback", "--heuristic", firstId), 1).err())
                .contains("it is CompleteCommit; --heuristic decides only a Prepared branch");

        assertThat(ok(ENV.cli().run("xa", "forget", firstId)).out()).contains("Forgot XA branch " + firstId + ".");
        ok(ENV.cli().run("xa", "forget", "--prefix", "cli.app", secondXid));
        assertThat(ok(ENV.cli().run("xa", "list")).out()).isEqualTo("No XA branches." + System.lineSeparator());
        assertThat(failed(ENV.cli().run("xa", "commit", firstId), 1).err()).contains("cannot commit XA branch "
                + firstId + ": the broker has no such branch").contains("streambus xa list");
        assertThat(failed(ENV.cli().run("transactions", "describe", firstId), 1).err())
                .contains("XA transaction '" + firstId + "' does not exist");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHeuristicCommitIsAppliedListedAndReportedToTheReturningManager() {
        ok(ENV.cli().run("topics", "create", "xa-heur", "--partitions", "1"));
        prepared("heur.app", xid("tm2.000001", "b1"), "xa-heur", "decided");
        String id = "heur.app:xa:00020005:746d322e303030303031:6231";
        assertThat(ok(ENV.cli().run("xa", "list", "--prefix", "heur.app", "--state", "Prepared")).out())
                .containsPattern("heur\\.app\\s+00020005:746d322e303030303031:6231\\s+Prepared")
                .contains("1 Prepared branch holds back read_committed consumers of its partitions");

        Map<String, Object> decided = ok(ENV.cli().run("xa", "commit", "--heuristic", id, "-o", "json")).jsonObject();
        assertThat(decided).containsEntry("transactionId", id).containsEntry("action", "commit")
                .containsEntry("heuristic", true);
        assertThat(readCommitted("xa-heur", 1)).containsExactly("decided");

        // the heuristic outcome stays in doubt for the manager's recovery until it is forgotten
        List<Object> inDoubt = ok(ENV.cli().run("xa", "list", "--in-doubt", "--prefix", "heur.app", "-o", "json"))
                .jsonArray();
        assertThat(inDoubt).hasSize(1);
        assertThat((Map<String, Object>) inDoubt.get(0)).containsEntry("state", "HeuristicCommit")
                .containsEntry("partitions", List.of());
        assertThat(ok(ENV.cli().run("transactions", "describe", id)).out()).containsPattern("state\\s+HeuristicCommit");
        // a returning manager's own decision, either way, is told that an operator decided (57)
        assertThat(failed(ENV.cli().run("xa", "rollback", id), 1).err()).contains("cannot rollback XA branch " + id
                + ": an operator decided it already (HeuristicCommit)").contains("streambus xa forget " + id);
        assertThat(failed(ENV.cli().run("xa", "commit", id), 1).err()).contains("(HeuristicCommit)");
        assertThat(failed(ENV.cli().run("xa", "commit", "--heuristic", id), 1).err())
                .contains("cannot commit (heuristic) XA branch " + id + ": an operator decided it already");

        assertThat(ok(ENV.cli().run("xa", "forget", id)).out()).contains("Forgot XA branch " + id + ".");
        assertThat(ok(ENV.cli().run("xa", "list", "--prefix", "heur.app")).out())
                .isEqualTo("No XA branches." + System.lineSeparator());
    }

    @Test
    @SuppressWarnings("unchecked")
    void rollbackEndsAnOpenBranchBeforeItsTimeout() throws Exception {
        ok(ENV.cli().run("topics", "create", "xa-open", "--partitions", "1"));
        String id = "open.app:xa:00020005:746d332e303030303031:";
        try (XaProducer<String, String> xa = ENV.client().newXaProducer(Serdes.stringSerializer(),
                Serdes.stringSerializer(), Map.of())) {
            xa.startXaBranch("open.app", xid("tm3.000001", ""), Duration.ofSeconds(60));
            xa.send(new ProducerRecord<>("xa-open", 0, "k", "open")).get(10, TimeUnit.SECONDS);
            List<Object> open = ok(ENV.cli().run("xa", "list", "--prefix", "open.app", "-o", "json")).jsonArray();
            assertThat(open).hasSize(1);
            assertThat((Map<String, Object>) open.get(0)).containsEntry("transactionId", id)
                    .containsEntry("state", "Ongoing")
                    .containsEntry("partitions", List.of(Map.of("topic", "xa-open", "partition", 0L)));

            assertThat(failed(ENV.cli().run("xa", "commit", id), 1).err()).contains("cannot commit XA branch " + id
                    + ": it is Ongoing; commit decides only a Prepared branch (an open one is rolled back with "
                    + "`xa rollback`)");
            assertThat(failed(ENV.cli().run("xa", "rollback", "--heuristic", id), 1).err())
                    .contains("it is Ongoing; --heuristic decides only a Prepared branch (roll an open one back "
                            + "without it)");
            assertThat(failed(ENV.cli().run("xa", "forget", id), 1).err()).contains("it is Ongoing; only a complete");

            assertThat(ok(ENV.cli().run("xa", "rollback", id)).out()).isEqualTo("Rolled back XA branch " + id + "."
                    + System.lineSeparator());
            assertThat((Map<String, Object>) ok(ENV.cli().run("xa", "list", "--prefix", "open.app", "-o", "json"))
                    .jsonArray().get(0)).containsEntry("state", "CompleteAbort");
            // the session that held the branch learns it at its next request
            assertThatThrownBy(xa::prepareXaBranch).isInstanceOf(XaBranchException.class);
        }
        ok(ENV.cli().runWithInput("after\n", "produce", "xa-open"));
        assertThat(readCommitted("xa-open", 1)).containsExactly("after");
        assertThat(ok(ENV.cli().run("xa", "rollback", id)).out()).contains("Rolled back XA branch " + id);
        ok(ENV.cli().run("xa", "forget", id));
    }

    @Test
    void branchesAreNamedInADocumentedFormat() {
        assertThat(failed(ENV.cli().run("xa", "commit", "not-a-branch"), 2).err())
                .contains("'not-a-branch' is not an XA transaction id").contains("PREFIX:xa:FORMAT:GTRID:BQUAL");
        assertThat(failed(ENV.cli().run("xa", "commit", "--prefix", "p", "0002:ab:cd"), 2).err())
                .contains("'0002:ab:cd' is not an XID").contains("FORMAT: 8 hex digits");
        assertThat(failed(ENV.cli().run("xa", "rollback", "--prefix", "p", "00020005::cd"), 2).err())
                .contains("is not an XID").contains("GTRID: 1 to 64 bytes");
        assertThat(failed(ENV.cli().run("xa", "forget", "p:xa:00020005:zz:"), 2).err())
                .contains("is not an XA transaction id");
        assertThat(failed(ENV.cli().run("xa", "list", "--state", "prepared"), 2).err())
                .contains("--state prepared is not a branch state").contains("Prepared");
        assertThat(failed(ENV.cli().run("xa", "list", "--state", "Prepared", "--in-doubt"), 2).err())
                .contains("exclude each other");
        assertThat(failed(ENV.cli().run("xa"), 2).err()).contains("a subcommand is missing");
        assertThat(failed(ENV.cli().run("xa", "commit", "cli.app:xa:00000001:abcd:"), 1).err())
                .contains("the broker has no such branch");
        Cli.Result help = Cli.raw("", "xa", "commit", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("PREFIX:xa:FORMAT:GTRID:BQUAL").contains("--heuristic");
    }

    @Test
    void abortEndsTheOpenTransactionOfAHangingProducer() throws Exception {
        ok(ENV.cli().run("topics", "create", "txn-out", "--partitions", "1"));
        Producer<String, String> hanging = ENV.client().newProducer(Serdes.stringSerializer(),
                Serdes.stringSerializer(), Map.of("transactional.id", "billing-app"));
        try {
            hanging.initTransactions();
            hanging.beginTransaction();
            hanging.send(new ProducerRecord<>("txn-out", 0, "k", "never-committed")).get(10, TimeUnit.SECONDS);
            ok(ENV.cli().runWithInput("after\n", "produce", "txn-out"));

            Cli.Result describe = failed(ENV.cli().run("transactions", "describe", "billing-app"), 1);
            assertThat(describe.err()).contains("cannot describe transaction 'billing-app': it is an ordinary "
                    + "transaction id").contains("streambus transactions abort billing-app");
            assertThat(ok(ENV.cli().run("transactions", "list", "-o", "json")).jsonObject().get("transactions"))
                    .isEqualTo(List.of());

            Map<String, Object> aborted = ok(ENV.cli().run("transactions", "abort", "billing-app", "-o", "json"))
                    .jsonObject();
            assertThat(aborted).containsEntry("transactionId", "billing-app").containsEntry("aborted", true);
            // the open transaction held back read_committed reads of everything after it: now only 'after' shows
            assertThat(readCommitted("txn-out", 1)).containsExactly("after");
            assertThatThrownBy(hanging::commitTransaction).isInstanceOf(ProducerFencedException.class);
        } finally {
            hanging.close(Duration.ofSeconds(5));
        }
        assertThat(ok(ENV.cli().run("transactions", "abort", "billing-app")).out())
                .contains("Aborted the open transaction of billing-app, if it had one");
        assertThat(failed(ENV.cli().run("transactions", "abort", "cli.app:xa:00020005:746d31:"), 1).err())
                .contains("is an XA branch: roll it back with `streambus xa rollback cli.app:xa:00020005:746d31:`");
    }
}
