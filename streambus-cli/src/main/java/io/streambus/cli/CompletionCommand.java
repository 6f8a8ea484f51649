package io.streambus.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code streambus completion}: prints the bash/zsh completion script that picocli's {@link AutoComplete} generates
 * from the command model, so it always matches the commands and options of this version. Not thread-safe.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the bash completion script (also works in zsh after `autoload -U +X bashcompinit "
                + "&& bashcompinit`).",
                "Use it with: source <(streambus completion), or save it in /etc/bash_completion.d/streambus."})
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        CommandSpec root = spec.root();
        spec.commandLine().getOut().print(AutoComplete.bash(root.name(), root.commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
