package io.streambus.cli;

import io.streambus.client.BrokerErrorException;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.txn.XaBranch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streambus transactions list|describe|abort}, after {@code kafka-transactions}. The wire protocol lists and
 * describes only XA branches (ListXaBranches, spec B.7.8.5); it has no request that lists or describes ordinary
 * transactions, so {@code list} and {@code describe} show XA branches and say so, and {@code abort} ends the open
 * transaction of an ordinary transaction id by registering the id again (InitProducerID, B.7.2), which is how
 * Kafka's {@code kafka-transactions abort} fences a hanging producer too. Not thread-safe.
 */
@Command(name = "transactions", mixinStandardHelpOptions = true,
        description = {"List and describe transactions, and abort a hanging one (needs an extended broker with "
                + "transactions).",
                "Ordinary transactions cannot be listed or described: the wire protocol has no request for it. "
                        + "`list` and `describe` show XA branches (two-phase commit), which it does list; `abort ID` "
                        + "ends the open transaction of an ordinary transaction id.",
                "XA branches are decided with `streambus xa commit|rollback|forget`."},
        subcommands = {TransactionsCommand.ListTransactions.class, TransactionsCommand.Describe.class,
                TransactionsCommand.Abort.class})
public final class TransactionsCommand implements Callable<Integer> {
    /** The note every listing and failure about ordinary transactions carries. */
    static final String NOT_LISTABLE = "Ordinary (non-XA) transactions are not listed: the wire protocol has no "
            + "request that lists or describes them.";

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: bad usage. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is missing: list, describe or abort");
    }

    /** {@code transactions list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the transactions the wire protocol can list: XA branches (ListXaBranches), with "
                    + "their state and since when, producer id and epoch, partitions and groups.",
                    "Ordinary transactions are not listed: no request of the wire protocol lists them."})
    public static final class ListTransactions extends BrokerCommand {
        @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "",
                description = "Only transaction ids that start with PREFIX.")
        private String prefix;

        @Mixin
        private BranchStateOption states;

        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            List<String> filter = states.states(spec);
            s.requireTwoPhaseCommit("transactions list");
            List<XaBranch> branches = s.await(s.admin().listXaBranches(prefix, filter), "listing transactions");
            Report listing = XaBranchReport.list(branches, XaBranchReport.View.TRANSACTIONS, "No XA transactions.",
                    NOT_LISTABLE);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("transactions", listing.json());
            json.put("ordinaryTransactionsListed", false);
            output.format().print(new Report(listing.text(), json), s.terminal().out());
            return 0;
        }
    }

    /** {@code transactions describe ID}. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = {"Describe the transaction of an XA transaction id (PREFIX:xa:FORMAT:GTRID:BQUAL): state "
                    + "and since when, XID, producer id and epoch, partitions and groups.",
                    "An ordinary transaction id cannot be described: the wire protocol has no request for it."})
    public static final class Describe extends BrokerCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The transaction id.")
        private String transactionId;

        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            if (XaBranchId.fromTransactionId(transactionId).isEmpty()) {
                throw new CliFailure("cannot describe transaction '" + transactionId + "': it is an ordinary "
                        + "transaction id, and the wire protocol has no request that describes ordinary transactions "
                        + "(only XA branches are listed); to end a hanging transaction of a producer that is gone: "
                        + "`streambus transactions abort " + transactionId + "`");
            }
            s.requireTwoPhaseCommit("transactions describe");
            List<XaBranch> found = s.await(s.admin().listXaBranches(transactionId, List.of()),
                    "describing transaction " + transactionId);
            XaBranch branch = found.stream().filter(b -> b.transactionalId().equals(transactionId)).findFirst()
                    .orElseThrow(() -> new CliFailure("XA transaction '" + transactionId + "' does not exist (never "
                            + "created, or forgotten): `streambus transactions list` shows the transactions"));
            output.format().print(XaBranchReport.describe(branch), s.terminal().out());
            return 0;
        }
    }

    /** {@code transactions abort ID}. */
    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = {"Abort the open transaction of an ordinary transaction id, for a hanging transaction of a "
                    + "producer that is gone: the id is registered again (InitProducerID), which aborts its open "
                    + "transaction and fences the producer that held it (its next request fails).",
                    "The broker cannot be asked first whether the id has an open transaction; an id it does not know "
                            + "is registered. XA branches are rolled back with `streambus xa rollback`."})
    public static final class Abort extends BrokerCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The transaction id (transactional.id).")
        private String transactionId;

        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            Optional<XaBranchId> xa = XaBranchId.fromTransactionId(transactionId);
            if (xa.isPresent()) {
                throw xaBranch();
            }
            s.requireTransactions("transactions abort");
            try {
                s.await(s.admin().abortTransaction(transactionId), "aborting transaction " + transactionId);
            } catch (BrokerErrorException e) {
                if (e.code() == ErrorCode.INVALID_TRANSACTION_STATE) {
                    throw xaBranch();
                }
                if (e.code() == ErrorCode.CONCURRENT_TRANSACTIONS) {
                    throw new CliFailure("transaction '" + transactionId + "' is completing already (its commit or "
                            + "abort is being written); try again in a moment", e);
                }
                throw e;
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("transactionId", transactionId);
            json.put("aborted", true);
            String text = ("Aborted the open transaction of %s, if it had one; a producer still using the id is "
                    + "fenced.%n").formatted(transactionId);
            output.format().print(new Report(text, json), s.terminal().out());
            return 0;
        }

        private CliFailure xaBranch() {
            return new CliFailure("'" + transactionId + "' is an XA branch: roll it back with `streambus xa rollback "
                    + transactionId + "` (add --heuristic for a Prepared branch whose transaction manager is gone)");
        }
    }
}
