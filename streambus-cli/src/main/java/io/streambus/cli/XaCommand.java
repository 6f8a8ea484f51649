package io.streambus.cli;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.producer.XaBranchException;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.txn.XaBranch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streambus xa list|commit|rollback|forget}: the XA branches of two-phase commit (spec B.7.8) as an operator
 * sees them (B.7.8.7), after Artemis' {@code artemis transaction} and the recovery tools of transaction managers.
 * Every subcommand needs a broker that advertises TWO_PHASE_COMMIT. Not thread-safe.
 */
@Command(name = "xa", mixinStandardHelpOptions = true,
        description = {"List XA branches (two-phase commit) and decide, roll back or forget them (needs an extended "
                + "broker with two-phase commit).",
                "A branch is named by its XA transaction id, PREFIX:xa:FORMAT:GTRID:BQUAL, as `xa list` prints it "
                        + "(FORMAT: the Xid's format id as 8 hex digits; GTRID, BQUAL: its global transaction id and "
                        + "branch qualifier in hex), or by --prefix PREFIX and FORMAT:GTRID:BQUAL.",
                "A Prepared branch holds back read_committed consumers of its partitions until it is decided. Decide "
                        + "one only when its transaction manager is gone for good, after checking the manager's log, "
                        + "and then with --heuristic."},
        subcommands = {XaCommand.ListBranches.class, XaCommand.Commit.class, XaCommand.Rollback.class,
                XaCommand.Forget.class})
public final class XaCommand implements Callable<Integer> {
    /** What {@code XAResource.recover} lists: prepared or heuristically completed (B.7.8.5). */
    static final List<String> IN_DOUBT = List.of("Prepared", "HeuristicCommit", "HeuristicRollback");

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: bad usage. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is missing: list, commit, rollback or forget");
    }

    /** {@code xa list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List XA branches (ListXaBranches): prefix, XID, state and since when, the partitions "
                    + "and groups of the branch's transaction (empty once complete).",
                    "Branches are listed until they are forgotten: complete ones for the broker's XA branch "
                            + "retention, heuristic ones until `xa forget`."})
    public static final class ListBranches extends BrokerCommand {
        @Option(names = "--prefix", paramLabel = "PREFIX",
                description = "Only the branches of this resource manager prefix (XA transaction ids PREFIX:xa:...).")
        private String prefix;

        @Mixin
        private BranchStateOption states;

        @Option(names = "--in-doubt", description = "Only Prepared and heuristically completed branches (what a "
                + "transaction manager's recovery lists); not with --state.")
        private boolean inDoubt;

        @Mixin
        private OutputOption output;

        @Override
        protected int run(Session s) {
            if (inDoubt && !states.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--in-doubt and --state exclude each other");
            }
            List<String> filter = inDoubt ? IN_DOUBT : states.states(spec);
            s.requireTwoPhaseCommit("xa list");
            List<XaBranch> branches = s.await(s.admin().listXaBranches(prefix == null ? "" : prefix + ":xa:",
                    filter), "listing XA branches");
            long prepared = branches.stream().filter(b -> b.state().equals("Prepared")).count();
            String[] notes = prepared == 0 ? new String[0] : new String[] {("%d Prepared branch%s hold%s back "
                    + "read_committed consumers of %s partitions until decided.").formatted(prepared,
                    prepared == 1 ? "" : "es", prepared == 1 ? "s" : "", prepared == 1 ? "its" : "their")};
            Report report = XaBranchReport.list(branches, XaBranchReport.View.XA, "No XA branches.", notes);
            output.format().print(report, s.terminal().out());
            return 0;
        }
    }

    /**
     * A decision on one branch by its Xid (EndXaBranch, B.7.8.4): names the branch, sends the request and explains
     * the broker's refusals with the branch's state. Not thread-safe.
     */
    abstract static class Decision extends BrokerCommand {
        @Parameters(index = "0", paramLabel = "BRANCH",
                description = "PREFIX:xa:FORMAT:GTRID:BQUAL (as `xa list` prints it), or FORMAT:GTRID:BQUAL with "
                        + "--prefix.")
        private String branch;

        @Option(names = "--prefix", paramLabel = "PREFIX",
                description = "The resource manager prefix; BRANCH is then the XID alone, FORMAT:GTRID:BQUAL.")
        private String prefix;

        @Mixin
        private OutputOption output;

        /** The action's name: commit, rollback or forget. */
        abstract String action();

        /** True for an operator's heuristic decision. */
        abstract boolean heuristic();

        /** Sends the request for {@code id}. */
        abstract CompletableFuture<Void> send(Session s, XaBranchId id);

        /** What was done, for the output ("Committed"). */
        abstract String done();

        @Override
        protected int run(Session s) {
            XaBranchId id;
            try {
                id = XaBranchId.parse(branch, Optional.ofNullable(prefix));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            String command = "xa " + action();
            s.requireTwoPhaseCommit(command);
            try {
                s.await(send(s, id), command + " of " + id.transactionId());
            } catch (XaBranchException e) {
                if (e.getCause() instanceof BrokerErrorException be) {
                    throw new CliFailure(refusal(s, id, be), e);
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("transactionId", id.transactionId());
            json.put("prefix", id.prefix());
            json.put("xid", XaBranchId.text(id.xid()));
            json.put("action", action());
            json.put("heuristic", heuristic());
            String text = "%s XA branch %s%s.%n".formatted(done(), id.transactionId(),
                    heuristic() ? " (heuristic decision: the branch stays listed until forgotten)" : "");
            output.format().print(new Report(text, json), s.terminal().out());
            return 0;
        }

        /** The operator-facing message for a refusal, with the branch's state when that explains it. */
        private String refusal(Session s, XaBranchId id, BrokerErrorException e) {
            String what = "cannot " + action() + (heuristic() ? " (heuristic)" : "") + " XA branch "
                    + id.transactionId() + ": ";
            return switch (e.code()) {
                case ErrorCode.UNKNOWN_XID -> what + "the broker has no such branch (never created, or forgotten "
                        + "already); `streambus xa list` shows the branches";
                case ErrorCode.HEURISTIC_COMMIT -> what + decidedAlready("HeuristicCommit", id);
                case ErrorCode.HEURISTIC_ROLLBACK -> what + decidedAlready("HeuristicRollback", id);
                case ErrorCode.TRANSACTION_ABORTED -> what + "it was rolled back already (CompleteAbort)";
                case ErrorCode.CONCURRENT_TRANSACTIONS -> what + "its outcome is being written; try again in a moment";
                case ErrorCode.INVALID_TRANSACTION_STATE -> {
                    // a heuristic decision on a decided branch is 31, not 57/58 (B.7.8.4): say who decided it
                    String state = state(s, id);
                    yield what + (state.startsWith("Heuristic") ? decidedAlready(state, id)
                            : "it is " + state + "; " + advice());
                }
                default -> what + "the broker refused: " + e.getMessage();
            };
        }

        /** The branch ended in {@code state}, HeuristicCommit or HeuristicRollback, by an operator's decision. */
        private static String decidedAlready(String state, XaBranchId id) {
            return "an operator decided it already (" + state + "); once its transaction manager knows, "
                    + "`streambus xa forget " + id.transactionId() + "` forgets it";
        }

        /** What to do when the branch's state does not allow this action (code 31). */
        String advice() {
            return heuristic() ? "--heuristic decides only a Prepared branch"
                    : "commit decides only a Prepared branch (an open one is rolled back with `xa rollback`)";
        }

        /** The branch's state as ListXaBranches reports it now, or {@code in another state} if it is gone. */
        private static String state(Session s, XaBranchId id) {
            List<XaBranch> found = s.await(s.admin().listXaBranches(id.transactionId(), List.of()),
                    "listing XA branch " + id.transactionId());
            return found.stream().filter(b -> b.transactionalId().equals(id.transactionId())).findFirst()
                    .map(XaBranch::state).orElse("in another state");
        }
    }

    /**
     * A commit or a rollback: the transaction manager's decision, or with {@code --heuristic} an operator's in place
     * of a manager that is gone (B.7.8.7).
     */
    abstract static class Outcome extends Decision {
        @Option(names = "--heuristic", description = "An operator's decision on a Prepared branch, not the "
                + "transaction manager's (B.7.8.7): needs the right to alter the cluster.")
        private boolean heuristic;

        /** True to commit, false to roll back. */
        abstract boolean commit();

        @Override
        String action() {
            return commit() ? "commit" : "rollback";
        }

        @Override
        boolean heuristic() {
            return heuristic;
        }

        @Override
        CompletableFuture<Void> send(Session s, XaBranchId id) {
            if (heuristic) {
                return s.admin().decideXaBranchHeuristically(id.prefix(), id.xid(), commit());
            }
            return commit() ? s.admin().commitXaBranch(id.prefix(), id.xid())
                    : s.admin().rollbackXaBranch(id.prefix(), id.xid());
        }
    }

    /** {@code xa commit}. */
    @Command(name = "commit", mixinStandardHelpOptions = true,
            description = {"Commit a Prepared XA branch (EndXaBranch commit).",
                    "Without --heuristic this is the transaction manager's own commit(xid), for replaying a decision "
                            + "found in its log; with --heuristic it is an operator's decision in place of a manager "
                            + "that is gone: the branch ends HeuristicCommit, and a returning manager is told so."})
    public static final class Commit extends Outcome {
        @Override
        boolean commit() {
            return true;
        }

        @Override
        String done() {
            return "Committed";
        }
    }

    /** {@code xa rollback}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Roll back an XA branch (EndXaBranch rollback).",
                    "Without --heuristic this is the transaction manager's rollback(xid): it ends an open (Empty or "
                            + "Ongoing) branch before its timeout, or a Prepared one as the manager would; with "
                            + "--heuristic it decides a Prepared branch in place of a manager that is gone: the "
                            + "branch ends HeuristicRollback."})
    public static final class Rollback extends Outcome {
        @Override
        boolean commit() {
            return false;
        }

        @Override
        String done() {
            return "Rolled back";
        }

        @Override
        String advice() {
            return heuristic() ? "--heuristic decides only a Prepared branch (roll an open one back without it)"
                    : "it was committed already";
        }
    }

    /** {@code xa forget}. */
    @Command(name = "forget", mixinStandardHelpOptions = true,
            description = {"Forget a complete or heuristically completed XA branch (EndXaBranch forget): it is no "
                    + "longer listed, and its transaction manager's recovery no longer sees it.",
                    "Forget a heuristic branch only once its transaction manager will not return or has been told."})
    public static final class Forget extends Decision {
        @Override
        String action() {
            return "forget";
        }

        @Override
        boolean heuristic() {
            return false;
        }

        @Override
        CompletableFuture<Void> send(Session s, XaBranchId id) {
            return s.admin().forgetXaBranch(id.prefix(), id.xid());
        }

        @Override
        String done() {
            return "Forgot";
        }

        @Override
        String advice() {
            return "only a complete or heuristically completed branch can be forgotten: decide it first with "
                    + "`xa commit` or `xa rollback`";
        }
    }
}
