package io.streambus.cli;

import java.io.InputStream;
import java.io.PrintWriter;

/**
 * The streams a command reads and writes: standard input (records for {@code produce}), standard output (results)
 * and standard error (errors and progress). Tests pass their own. The writers are thread-safe as
 * {@link PrintWriter}s are.
 *
 * @param in  standard input
 * @param out standard output
 * @param err standard error
 */
public record Terminal(InputStream in, PrintWriter out, PrintWriter err) {
}
