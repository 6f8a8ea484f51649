package io.streambus.cli;

import java.io.PrintWriter;

/**
 * How a read command prints its result ({@code --output}). Each constant is the strategy for one format: a
 * {@link Report} carries both forms of the same data, and the format picks one. Thread-safe (stateless).
 */
public enum OutputFormat {
    /** Aligned columns for people, with notes below the table. */
    TABLE {
        @Override
        void print(Report report, PrintWriter out) {
            out.print(report.text());
            out.flush();
        }
    },
    /** One JSON document (RFC 8259) for scripts, on one line. */
    JSON {
        @Override
        void print(Report report, PrintWriter out) {
            out.println(Json.write(report.json()));
            out.flush();
        }
    };

    /** Prints {@code report} in this format. */
    abstract void print(Report report, PrintWriter out);
}
