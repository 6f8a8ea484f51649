package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The "Operating it" sections of the project README and of this module's README: every example in their code blocks
 * parses as a command line of this version (no unknown option, no missing parameter), and together they show every
 * command. Nothing is run: {@link CommandLine#parseArgs} only parses.
 */
class ReadmeExamplesTest {
    /** An invocation in a shell line: at its start, after a pipe, after {@code &&} or inside {@code <( )}. */
    private static final Pattern INVOCATION = Pattern.compile("(?:^|\\|\\s*|&&\\s*|<\\()streambus\\s+([^|&)#<>]*)");

    @ParameterizedTest
    @ValueSource(strings = {"../README.md", "README.md"})
    void everyCommandHasAnExampleThatParses(String readme) throws IOException {
        List<String> lines = codeLines(section(Files.readString(Path.of(readme)), "## Operating it"));
        CommandLine cl = commandLine(); // picocli resets every option before each parse
        Set<String> shown = new TreeSet<>();
        for (String line : lines) {
            Matcher m = INVOCATION.matcher(line.strip());
            while (m.find()) {
                List<String> args = words(m.group(1));
                // throws picocli's ParameterException, naming the example, for anything this version rejects
                ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
                shown.add(path(parsed));
            }
        }
        Set<String> commands = leaves(cl, "");
        assertThat(commands).contains("topics list", "groups reset-offsets", "share-groups configure",
                "transactions abort", "xa forget", "produce", "completion");
        assertThat(shown).as(readme + " examples").containsAll(commands);
    }

    private static CommandLine commandLine() {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        return StreamBusCli.commandLine(new Terminal(InputStream.nullInputStream(), none, none));
    }

    /** The text from {@code heading} to the next heading of the same level. */
    private static String section(String text, String heading) {
        int start = text.indexOf("\n" + heading + "\n");
        assertThat(start).as(heading).isNotNegative();
        int end = text.indexOf("\n## ", start + heading.length() + 2);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    /** The lines inside fenced code blocks. */
    private static List<String> codeLines(String section) {
        List<String> out = new ArrayList<>();
        boolean inside = false;
        for (String line : section.split("\n")) {
            if (line.startsWith("```")) {
                inside = !inside;
            } else if (inside) {
                out.add(line);
            }
        }
        return out;
    }

    /** Shell words: split on blanks, single quotes keeping what they enclose ({@code ''} is an empty word). */
    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }

    /** The command a parse selected, as its names below {@code streambus} ({@code xa commit}). */
    private static String path(ParseResult parsed) {
        List<String> names = new ArrayList<>();
        for (ParseResult r = parsed; r.hasSubcommand(); r = r.subcommand()) {
            names.add(r.subcommand().commandSpec().name());
        }
        return String.join(" ", names);
    }

    /** Every command without subcommands below {@code cl}, but {@code help}. */
    private static Set<String> leaves(CommandLine cl, String prefix) {
        Set<String> out = new TreeSet<>();
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            String path = prefix.isEmpty() ? name : prefix + " " + name;
            if (sub.getSubcommands().isEmpty()) {
                out.add(path);
            } else {
                out.addAll(leaves(sub, path));
            }
        });
        return out;
    }
}
