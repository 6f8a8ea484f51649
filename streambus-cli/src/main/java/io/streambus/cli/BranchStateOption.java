package io.streambus.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --state} option of the listings of XA branches ({@code transactions list}, {@code xa list}): the
 * state names of ListXaBranches (spec B.7.8.5), checked here because the broker silently matches nothing for an
 * unknown name. Not thread-safe (set by the parser).
 */
public final class BranchStateOption {
    /** The states of B.7.8.5, case-sensitive. */
    static final List<String> STATES = List.of("Empty", "Ongoing", "Prepared", "PrepareCommit", "PrepareAbort",
            "CompleteCommit", "CompleteAbort", "HeuristicCommit", "HeuristicRollback");

    @Option(names = "--state", paramLabel = "STATE", split = ",",
            description = "Only those in these states (repeat or separate with commas): Empty, Ongoing, Prepared, "
                    + "PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, HeuristicCommit, "
                    + "HeuristicRollback.")
    private List<String> states = new ArrayList<>();

    /** True when no state was given. */
    public boolean isEmpty() {
        return states.isEmpty();
    }

    /**
     * The states given (empty: every state).
     *
     * @param spec the command, for the usage error
     * @throws ParameterException for a name that is not a state of B.7.8.5
     */
    public List<String> states(CommandSpec spec) {
        for (String s : states) {
            if (!STATES.contains(s)) {
                throw new ParameterException(spec.commandLine(), "--state " + s + " is not a branch state: use "
                        + String.join(", ", STATES) + " (case-sensitive)");
            }
        }
        return List.copyOf(states);
    }
}
