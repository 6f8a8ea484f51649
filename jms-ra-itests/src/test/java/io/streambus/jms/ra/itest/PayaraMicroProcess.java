package io.streambus.jms.ra.itest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Payara Micro as a child JVM: started with a post-boot asadmin script, ready when its log says so, stopped with its
 * whole process tree. Its standard output and error go to one log file. Not thread-safe (one test class drives it).
 */
final class PayaraMicroProcess implements AutoCloseable {
    /** Payara Micro's line once boot, post-boot commands and deployments are done. */
    private static final Pattern READY = Pattern.compile("Payara Micro \\S+ \\(build [^)]*\\) ready in");
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PayaraMicroProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /**
     * Starts {@code java -jar payaraJar --nocluster --port httpPort --rootdir root --addlibs libs
     * --postbootcommandfile script}.
     */
    static PayaraMicroProcess start(Path payaraJar, Path root, int httpPort, List<Path> libs, Path postBootScript,
                                    Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small heap and the fewest JIT compiler threads tiered compilation allows: the machine is shared.
        cmd.add("-Xmx512m");
        cmd.add("-XX:CICompilerCount=2");
        cmd.add("-jar");
        cmd.add(payaraJar.toString());
        cmd.add("--nocluster");
        cmd.add("--port");
        cmd.add(Integer.toString(httpPort));
        cmd.add("--rootdir");
        cmd.add(root.toString());
        for (Path lib : libs) {
            cmd.add("--addlibs");
            cmd.add(lib.toString());
        }
        cmd.add("--postbootcommandfile");
        cmd.add(postBootScript.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new PayaraMicroProcess(p, log, httpPort);
    }

    /**
     * Waits until the log reports readiness (after the post-boot commands and deployments), failing early if the
     * server exits; polls the log file every 200 ms (a file has no change notification that works for appends on
     * every platform).
     */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = log();
            if (READY.matcher(text).find()) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + process.exitValue() + " before it was ready");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Payara Micro not ready after " + timeout);
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
    }

    /** The server log so far. */
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    Path logFile() {
        return log;
    }

    /** {@code method} on {@code http://127.0.0.1:port/path}; the response with its body as a string. */
    HttpResponse<String> request(String method, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(60)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the server and every process it started: SIGTERM, then SIGKILL after a bounded wait. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                h.destroyForcibly();
            } catch (InterruptedException e) {
                h.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
