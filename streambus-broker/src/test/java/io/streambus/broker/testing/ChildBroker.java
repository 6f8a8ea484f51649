package io.streambus.broker.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker in a child JVM, started through the real CLI ({@code io.streambus.broker.BrokerMain}) on the test class
 * path, for crash tests: {@link #kill()} sends SIGKILL, {@link #terminate()} SIGTERM. Its stderr (the log) goes to a
 * file next to the data directory. Not thread-safe.
 */
public final class ChildBroker implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("StreamBus broker listening on [^:]+:(\\d+), data in .*");

    private final Process process;
    private final Path log;
    private final int port;

    private ChildBroker(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code BrokerMain --port 0 --data-dir dataDir extraArgs...} and waits (at most 30 s) for its ready line.
     *
     * @throws IOException if it does not start; the message includes its log
     */
    public static ChildBroker start(Path dataDir, String... extraArgs) throws IOException {
        return startMain("io.streambus.broker.BrokerMain", dataDir, extraArgs);
    }

    /**
     * As {@link #start}, with another main class taking BrokerMain's arguments (a test main that installs a crash
     * hook, say, before it calls {@code BrokerMain.main}).
     */
    public static ChildBroker startMain(String mainClass, Path dataDir, String... extraArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                mainClass, "--port", "0", "--data-dir", dataDir.toString()));
        cmd.addAll(List.of(extraArgs));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-broker-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
            // Not closed: the child keeps its stdout until it exits.
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = READY.matcher(line);
                    if (m.matches()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
            } catch (IOException e) {
                // fall through: not ready
            }
            return -1;
        });
        int port;
        try {
            port = ready.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            port = -1;
        } catch (ExecutionException | TimeoutException e) {
            port = -1;
        }
        if (port <= 0) {
            p.destroyForcibly();
            throw new IOException("child broker did not start; its log:\n" + readLog(log));
        }
        return new ChildBroker(p, log, port);
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The child's process id (to read its memory use from {@code /proc}). */
    public long pid() {
        return process.pid();
    }

    /** Waits (at most 30 s) until the child exits by itself (a crash hook killed it); returns the exit code. */
    public int awaitExit() throws InterruptedException {
        return waitFor();
    }

    /** SIGKILL; returns the exit code (137). */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        return waitFor();
    }

    /** SIGTERM (clean shutdown through the JVM shutdown hook); returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return waitFor();
    }

    private int waitFor() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child broker did not exit within 30 s");
        }
        return process.exitValue();
    }

    /** What it logged so far. */
    public String log() {
        return readLog(log);
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
