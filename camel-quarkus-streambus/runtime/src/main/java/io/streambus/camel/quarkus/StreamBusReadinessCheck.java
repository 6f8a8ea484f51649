package io.streambus.camel.quarkus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the readiness of every StreamBus producer and consumer (their Camel health checks, ids containing
 * {@code streambus-}) to SmallRye Health as one check named {@code camel-streambus}: DOWN when any of them is DOWN.
 * Added only when the application has the SmallRye Health extension. Thread-safe: stateless between calls.
 */
@Readiness
@ApplicationScoped
public class StreamBusReadinessCheck implements org.eclipse.microprofile.health.HealthCheck {

    private final CamelContext camelContext;

    /** @param camelContext the application's Camel context */
    @Inject
    public StreamBusReadinessCheck(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("camel-streambus").up();
        HealthCheckRegistry registry = HealthCheckRegistry.get(camelContext);
        if (registry == null || !registry.isEnabled()) {
            return builder.withData("camel-health", "disabled").build();
        }
        List<HealthCheck> checks = registry.stream()
                .filter(check -> check.getId().contains("streambus-") && check.isReadiness())
                .toList();
        for (HealthCheck check : checks) {
            HealthCheck.Result result = check.callReadiness();
            builder.withData(check.getId(), result.getState().name());
            if (result.getState() == HealthCheck.State.DOWN) {
                builder.down();
            }
        }
        return builder.build();
    }
}
