package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI in-process through picocli's {@code CommandLine.execute} with captured streams. */
final class Cli {
    private final String bootstrap;

    /** Result of one run. */
    record Result(int exit, String out, String err) {
        /** Standard output as JSON. */
        java.util.Map<String, Object> jsonObject() {
            return JsonParser.object(out.trim());
        }

        /** Standard output as a JSON array. */
        List<Object> jsonArray() {
            return JsonParser.array(out.trim());
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    /** A JSON array value as a list (for AssertJ). */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object jsonArray) {
        return (List<Object>) jsonArray;
    }

    /** {@code r}, asserting exit code 0. */
    static Result ok(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    /** {@code r}, asserting exit code {@code exit} and nothing on standard output. */
    static Result failed(Result r, int exit) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        assertThat(r.out()).as(r.toString()).isEmpty();
        return r;
    }

    Cli(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Runs {@code args} with {@code --bootstrap} appended (an inherited option, so it may follow the command). */
    Result run(String... args) {
        return runWithInput("", args);
    }

    /** As {@link #run} with standard input {@code stdin}. */
    Result runWithInput(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (bootstrap != null) {
            all.add("--bootstrap");
            all.add(bootstrap);
        }
        return raw(stdin, all.toArray(String[]::new));
    }

    /** Runs exactly {@code args}. */
    static Result raw(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = StreamBusCli.commandLine(new Terminal(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true),
                new PrintWriter(err, true))).execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
