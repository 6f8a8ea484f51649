package io.streambus.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code streambus health}: the broker's HealthCheck (spec A.6.7) with the round-trip time; exit code 1 unless the
 * broker says {@code healthy}. Works on core-only brokers. Not thread-safe.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Ask the broker for its health (HealthCheck); exit code 1 unless it answers 'healthy'.")
public final class HealthCommand extends BrokerCommand {
    /** The status a well broker reports. */
    static final String HEALTHY = "healthy";

    @Mixin
    private OutputOption output;

    @Override
    protected int run(Session s) {
        long start = System.nanoTime();
        String status = s.await(s.admin().health(), "health check");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bootstrap", s.bootstrap());
        json.put("status", status);
        json.put("healthy", HEALTHY.equals(status));
        json.put("latencyMs", millis);
        String text = new Table("BROKER", "STATUS", "LATENCY").row(s.bootstrap(), status, millis + " ms").render();
        output.format().print(new Report(text, json), s.terminal().out());
        return HEALTHY.equals(status) ? 0 : FailureExplainer.FAILED;
    }
}
