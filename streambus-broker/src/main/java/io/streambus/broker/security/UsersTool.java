package io.streambus.broker.security;

import io.streambus.security.ScramMechanism;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Command line for the users file ({@link UsersFile}).
 *
 * <pre>
 * UsersTool add     &lt;file&gt; &lt;user&gt; [--mechanisms SCRAM-SHA-256,SCRAM-SHA-512] [--iterations 4096]
 * UsersTool remove  &lt;file&gt; &lt;user&gt;
 * UsersTool disable &lt;file&gt; &lt;user&gt;
 * UsersTool enable  &lt;file&gt; &lt;user&gt;
 * UsersTool list    &lt;file&gt;
 * </pre>
 *
 * {@code add} reads the password from the console (twice, not echoed) or, without a console, from the first line of
 * standard input ({@code printf '%s\n' "$PW" | ... add users.properties alice}). It never takes a password as an
 * argument, which would end up in shell history and process lists. {@code --iterations} must lie between
 * {@value ScramMechanism#MIN_ITERATIONS} and {@value ScramCredential#MAX_ITERATIONS}, the bound the broker applies
 * when it loads the file. Exit codes: 0 done, 1 failure (message on
 * stderr), 2 usage error.
 */
public final class UsersTool {
    private UsersTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, System.console()));
    }

    /** Runs a command; returns the exit code. {@code console} may be null (password then read from {@code in}). */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Console console) {
        if (args.length < 2) {
            usage(err);
            return 2;
        }
        String command = args[0];
        Path file = Path.of(args[1]);
        try {
            switch (command) {
                case "list":
                    if (args.length != 2) {
                        usage(err);
                        return 2;
                    }
                    CredentialStore store = CredentialStore.load(file);
                    for (String user : store.users()) {
                        out.println(user + "\t" + store.mechanisms(user).stream().map(ScramMechanism::mechanismName)
                                .collect(Collectors.joining(",")) + (store.isDisabled(user) ? "\tdisabled" : ""));
                    }
                    return 0;
                case "remove":
                case "disable":
                case "enable": {
                    if (args.length != 3) {
                        usage(err);
                        return 2;
                    }
                    String user = args[2];
                    boolean found = command.equals("remove") ? UsersFile.removeUser(file, user)
                            : UsersFile.setDisabled(file, user, command.equals("disable"));
                    if (!found) {
                        err.println("no user '" + user + "' in " + file);
                        return 1;
                    }
                    out.println(command + "d user '" + user + "'");
                    return 0;
                }
                case "add":
                    return add(args, file, in, out, err, console);
                default:
                    err.println("unknown command '" + command + "'");
                    usage(err);
                    return 2;
            }
        } catch (NoSuchFileException e) {
            err.println("users file not found: " + file);
            return 1;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static int add(String[] args, Path file, InputStream in, PrintStream out, PrintStream err,
            Console console) throws IOException {
        if (args.length < 3) {
            usage(err);
            return 2;
        }
        String user = args[2];
        Set<ScramMechanism> mechanisms = EnumSet.allOf(ScramMechanism.class);
        int iterations = UsersFile.DEFAULT_ITERATIONS;
        for (int i = 3; i < args.length; i++) {
            if (i + 1 >= args.length) {
                err.println("missing value for " + args[i]);
                return 2;
            }
            String value = args[++i];
            switch (args[i - 1]) {
                case "--mechanisms":
                    mechanisms = EnumSet.noneOf(ScramMechanism.class);
                    for (String m : value.split(",")) {
                        String name = m.strip();
                        mechanisms.add(ScramMechanism.forName(name).orElseThrow(() -> new IllegalArgumentException(
                                "unknown SCRAM mechanism '" + name + "' (SCRAM-SHA-256 or SCRAM-SHA-512)")));
                    }
                    break;
                case "--iterations":
                    try {
                        iterations = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        err.println("--iterations needs a number, got '" + value + "'");
                        return 2;
                    }
                    if (iterations < ScramMechanism.MIN_ITERATIONS || iterations > ScramCredential.MAX_ITERATIONS) {
                        // Checked before the password prompt: the same bound the broker applies on load.
                        err.println("--iterations must be between " + ScramMechanism.MIN_ITERATIONS + " and "
                                + ScramCredential.MAX_ITERATIONS + ", got " + iterations);
                        return 2;
                    }
                    break;
                default:
                    err.println("unknown option '" + args[i - 1] + "'");
                    return 2;
            }
        }
        char[] password = readPassword(user, in, console);
        if (password == null) {
            err.println("no password given");
            return 1;
        }
        try {
            boolean created = UsersFile.addUser(file, user, password, mechanisms, iterations);
            out.println((created ? "added" : "updated") + " user '" + user + "' ("
                    + mechanisms.stream().map(ScramMechanism::mechanismName).collect(Collectors.joining(","))
                    + ", " + iterations + " iterations) in " + file);
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] readPassword(String user, InputStream in, Console console) throws IOException {
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", user);
            char[] second = console.readPassword("Repeat password: ");
            if (first == null || second == null) {
                return null;
            }
            boolean same = Arrays.equals(first, second);
            Arrays.fill(second, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw new IllegalArgumentException("passwords do not match");
            }
            return first.length == 0 ? null : first;
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line = r.readLine();
        return line == null || line.isEmpty() ? null : line.toCharArray();
    }

    private static void usage(PrintStream err) {
        List.of(
                "usage: UsersTool add <file> <user> [--mechanisms SCRAM-SHA-256,SCRAM-SHA-512] [--iterations N]",
                "       UsersTool remove|disable|enable <file> <user>",
                "       UsersTool list <file>",
                "The password is read from the console, or from the first line of stdin without a console.")
                .forEach(err::println);
    }
}
