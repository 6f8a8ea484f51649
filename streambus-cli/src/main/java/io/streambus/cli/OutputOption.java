package io.streambus.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --output table|json} option, mixed into every read command. Not thread-safe (set by the parser).
 */
public final class OutputOption {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (aligned columns, the default) or json (one JSON document). Valid values: "
                    + "${COMPLETION-CANDIDATES}.",
            converter = OutputFormatConverter.class, completionCandidates = OutputFormatConverter.Names.class)
    OutputFormat format = OutputFormat.TABLE;

    /** The chosen format. */
    public OutputFormat format() {
        return format;
    }
}
